#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: Autobahn|Python (asyncio) clients against a WAMP router.

    autobahn_py_client.py --cli build/app/wampscope-cli --transport ws|rs --serializer json|msgpack|cbor
        starts `wampscope-cli router --listen ws://127.0.0.1:0/ws --listen rs://127.0.0.1:0`,
        runs the checks over the chosen transport and serializer, stops the router.
    autobahn_py_client.py --cli build/app/wampscope-cli --mixed
        the same, with each of the four sessions on another transport+serializer (router transcodes)
    autobahn_py_client.py --cli build/app/wampscope-cli --transport wss|rss --serializer json|msgpack|cbor
        the same over TLS: generates a self-signed certificate (openssl), starts the router with
        --listen wss://... --listen rss://... --tls-cert/--tls-key and trusts that certificate (ssl context);
        also checks that a client without that trust fails the TLS handshake
    autobahn_py_client.py --url ws://127.0.0.1:8080/ws --serializer msgpack [--cafile ca.pem]
        runs the same checks against a router that is already running (any WAMP router).

Run it with Debian's /usr/bin/python3 (python3-autobahn 22.7, python3-msgpack, python3-cbor2).
Env INTEROP_LOG=trace makes Autobahn log every WAMP message it sends and receives.
Exit codes: 0 all checks passed, 1 a check failed, 77 dependencies missing (only when CI is not "true").
"""

import argparse
import asyncio
import os
import re
import ssl
import sys
import tempfile
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

try:
    import txaio
    txaio.use_asyncio()
    from autobahn.asyncio.rawsocket import WampRawSocketClientFactory, WampRawSocketClientProtocol
    from autobahn.asyncio.wamp import ApplicationSession
    from autobahn.asyncio.websocket import WampWebSocketClientFactory
    from autobahn.wamp import serializer as ab_serializer
    from autobahn.wamp.exception import ApplicationError
    from autobahn.wamp.types import CallResult, ComponentConfig, PublishOptions
except ImportError as e:
    ic.missing_dependency(f"Autobahn|Python is not importable by {sys.executable} ({e}); "
                          "install python3-autobahn and run this with /usr/bin/python3")

if not hasattr(WampRawSocketClientProtocol, "transport_details"):
    # Autobahn 22.7's asyncio RawSocket protocol lacks ITransport.transport_details (its Twisted
    # one has it), and ApplicationSession.onWelcome reads it, so without this no rs:// session
    # ever joins ("AttributeError ... transport_details" while firing onWelcome).
    class _RawSocketClientProtocol(WampRawSocketClientProtocol):
        @property
        def transport_details(self):
            return self._transport_details

    class _RawSocketClientFactory(WampRawSocketClientFactory):
        protocol = _RawSocketClientProtocol

    WampRawSocketClientFactory = _RawSocketClientFactory  # noqa: F811

REALM = "realm1"
BIG = 2 ** 53  # largest integer that every WAMP peer (incl. JavaScript) holds exactly

SERIALIZERS = {
    "json": "JsonSerializer",
    "msgpack": "MsgPackSerializer",
    "cbor": "CBORSerializer",
}


def serializer_instance(name):
    cls = getattr(ab_serializer, SERIALIZERS[name], None)
    if cls is None:
        mod = {"msgpack": "python3-msgpack", "cbor": "python3-cbor2"}.get(name, name)
        ic.missing_dependency(f"Autobahn's {name} serializer is unavailable (install {mod})")
    return cls()


def payload_args(with_bytes):
    args = [0, 1, -1, BIG, -BIG, 2 ** 32 + 1, 2 ** 53 - 1,
            "unicode: äöü € 𝄞 日本語 \u2028", "", True, False, None, 1.5,
            [1, [2, [3, []]]], {"x": 3, "nested": {"y": [1, "z"]}, "empty": {}}]
    if with_bytes:
        args += [b"\x00\x01\x02\xfe\xff", b""]
    return args


PAYLOAD_KWARGS = {"k": "v", "big": BIG, "neg": -BIG, "ключ": "значение", "list": [1, 2.25, "x"], "none": None}


def deep_eq(a, b):
    """Equality that keeps int, float, bool, str and bytes apart (1 != 1.0 != True)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(deep_eq(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(deep_eq(a[k], b[k]) for k in a)
    if type(a) is not type(b):
        # bytes-like values may come back as bytearray/memoryview from some decoders
        if isinstance(a, (bytes, bytearray)) and isinstance(b, (bytes, bytearray)):
            return bytes(a) == bytes(b)
        return False
    return a == b


class Session(ApplicationSession):
    def __init__(self, config, name, joined):
        super().__init__(config)
        self.name = name
        self.joined = joined
        loop = asyncio.get_event_loop()
        self.left = loop.create_future()
        self.gone = loop.create_future()

    def onJoin(self, details):
        if not self.joined.done():
            self.joined.set_result(self)

    def onLeave(self, details):
        if not self.left.done():
            self.left.set_result(details)
        if not self.joined.done():
            self.joined.set_exception(ConnectionError(f"{self.name}: session closed before WELCOME: "
                                                      f"{details.reason} {details.message or ''}"))
        self.disconnect()

    def onDisconnect(self):
        if not self.gone.done():
            self.gone.set_result(True)
        if not self.joined.done():
            self.joined.set_exception(ConnectionError(f"{self.name}: transport closed before WELCOME"))


SESSION_NAMES = ("subscriber", "publisher", "callee", "caller")
# --mixed: every session on another transport/serializer, so the router must transcode
# (incl. bytes: JSON "\u0000"+base64 <-> msgpack bin <-> CBOR byte string).
MIXED = {"subscriber": ("ws", "cbor"), "publisher": ("rs", "json"),
         "callee": ("rs", "msgpack"), "caller": ("ws", "json")}


class Runner:
    def __init__(self, endpoints, timeout, title, ssl_context=None):
        """endpoints: session name -> (url, serializer name). ssl_context: for wss:// and rss://."""
        self.endpoints = endpoints
        self.ssl_context = ssl_context
        self.timeout = timeout
        self.checks = ic.Checks(title)
        self.sessions = []

    async def step(self, awaitable):
        return await asyncio.wait_for(awaitable, self.timeout)

    async def connect(self, name):
        loop = asyncio.get_running_loop()
        joined = loop.create_future()
        url, serializer = self.endpoints[name]
        u = urlsplit(url)

        def make_session():
            s = Session(ComponentConfig(realm=REALM), name, joined)
            self.sessions.append(s)
            return s

        ser = serializer_instance(serializer)
        if u.scheme in ("ws", "wss"):
            factory = WampWebSocketClientFactory(make_session, url=url, serializers=[ser])
        elif u.scheme in ("rs", "rss"):
            factory = WampRawSocketClientFactory(make_session, serializer=ser)
        else:
            raise ValueError(f"unsupported URL scheme {u.scheme!r}")
        tls = u.scheme in ("wss", "rss")
        await self.step(loop.create_connection(factory, u.hostname, u.port,
                                               ssl=(self.ssl_context or ssl.create_default_context()) if tls else None))
        return await self.step(joined)

    async def untrusted_tls_fails(self):
        """Without trusting the router's self-signed certificate, the TLS handshake must fail."""
        url, serializer = self.endpoints["caller"]
        u = urlsplit(url)
        loop = asyncio.get_running_loop()
        factory = WampRawSocketClientFactory(lambda: None, serializer=serializer_instance(serializer))
        try:
            transport, _ = await self.step(loop.create_connection(factory, u.hostname, u.port,
                                                                  ssl=ssl.create_default_context()))
        except ssl.SSLCertVerificationError as e:
            expect("self-signed" in str(e) or "certificate verify failed" in str(e), f"unexpected TLS error: {e}")
            return
        transport.close()
        raise CheckFailed("TLS handshake succeeded without trusting the router's certificate")

    async def check(self, name, fn):
        """Run one named check; any exception or timeout fails it, and the run goes on."""
        try:
            await fn()
        except CheckFailed as e:
            self.checks.fail(name, str(e))
        except asyncio.TimeoutError:
            self.checks.fail(name, f"no answer within {self.timeout} s")
        except ApplicationError as e:
            self.checks.fail(name, f"unexpected WAMP error {e.error!r} args={list(e.args)!r} kwargs={e.kwargs!r}")
        except Exception as e:  # noqa: BLE001
            self.checks.fail(name, f"{type(e).__name__}: {e}")
        else:
            self.checks.ok(name)

    async def expect_error(self, coro, uri, args=None, kwargs=None):
        try:
            res = await self.step(coro)
        except ApplicationError as e:
            got = f"got error {e.error!r} args={list(e.args)!r} kwargs={e.kwargs!r}"
            expect(e.error == uri, f"expected {uri!r}; {got}")
            if args is not None:
                expect(deep_eq(list(e.args), args), f"expected args {args!r}; {got}")
            if kwargs is not None:
                expect(deep_eq(e.kwargs or {}, kwargs), f"expected kwargs {kwargs!r}; {got}")
        else:
            raise CheckFailed(f"expected error {uri!r}, got success {res!r}")

    async def run(self):
        c = self.checks
        # Bytes: msgpack bin / CBOR byte string / JSON "\u0000"+base64 string (WAMP's JSON binary convention).
        args = payload_args(with_bytes=True)
        kwargs = PAYLOAD_KWARGS
        s = {}

        async def join():
            for name in SESSION_NAMES:
                s[name] = await self.connect(name)
        await self.check("join (4 sessions, realm1, anonymous)", join)
        if len(s) < 4:
            return

        # --- Pub/Sub --------------------------------------------------------------------------
        topic = "com.example.interop.topic1"
        events = asyncio.Queue()

        def on_event(*a, **kw):
            events.put_nowait((list(a), kw))

        async def subscribe():
            sub = await self.step(s["subscriber"].subscribe(on_event, topic))
            expect(1 <= sub.id <= BIG, f"subscription id {sub.id!r}")
        await self.check("subscribe", subscribe)

        s["publisher"].publish(topic, *args, **kwargs)
        s["publisher"].publish(topic, only="kwargs")
        s["publisher"].publish(topic)
        expected = [("args+kwargs", args, kwargs), ("kwargs only", [], {"only": "kwargs"}), ("no payload", [], {})]
        for what, ea, ek in expected:
            async def event(ea=ea, ek=ek):
                ga, gk = await self.step(events.get())
                expect(deep_eq(ga, ea) and deep_eq(gk, ek),
                       f"expected args={ea!r} kwargs={ek!r}, got args={ga!r} kwargs={gk!r}")
            await self.check(f"pubsub: event with {what} arrives intact and in order", event)

        async def publish_ack():
            pub = await self.step(s["publisher"].publish(topic, "ack", options=PublishOptions(acknowledge=True)))
            expect(isinstance(pub.id, int) and 1 <= pub.id <= BIG, f"publication id {pub.id!r}")
            ga, gk = await self.step(events.get())
            expect(ga == ["ack"] and gk == {}, f"event after acknowledged publish: {ga!r} {gk!r}")
        await self.check("publish acknowledge=True -> PUBLISHED (and EVENT)", publish_ack)

        # --- RPC ------------------------------------------------------------------------------
        def echo(*a, **kw):
            return CallResult(*a, **kw)

        def add2(a, b):
            return a + b

        def oops():
            raise ApplicationError("com.example.error.oops", 1, 2, a=3)

        async def register():
            for proc, uri in ((echo, "com.example.interop.echo"), (add2, "com.example.interop.add2"),
                              (oops, "com.example.interop.oops")):
                reg = await self.step(s["callee"].register(proc, uri))
                expect(1 <= reg.id <= BIG, f"registration id {reg.id!r}")
        await self.check("register x3", register)

        async def call_echo():
            res = await self.step(s["caller"].call("com.example.interop.echo", *args, **kwargs))
            expect(isinstance(res, CallResult) and deep_eq(list(res.results), args)
                   and deep_eq(res.kwresults, kwargs),
                   f"sent args={args!r} kwargs={kwargs!r}; got {res!r}")
        await self.check("call echo: args/kwargs intact (ints to +-2^53, unicode, bytes, nesting)", call_echo)

        async def call_add2():
            res = await self.step(s["caller"].call("com.example.interop.add2", 2, 3))
            expect(deep_eq(res, 5), f"got {res!r}")
            res = await self.step(s["caller"].call("com.example.interop.echo", BIG))
            expect(deep_eq(res, BIG), f"echo 2^53 gave {res!r}")
        await self.check("call: single results (5, 2^53 exact)", call_add2)

        await self.check("callee ApplicationError -> caller gets URI, args and kwargs",
                         lambda: self.expect_error(s["caller"].call("com.example.interop.oops"),
                                                   "com.example.error.oops", [1, 2], {"a": 3}))
        await self.check("call unknown procedure -> wamp.error.no_such_procedure",
                         lambda: self.expect_error(s["caller"].call("com.example.interop.nothing_here"),
                                                   "wamp.error.no_such_procedure"))
        await self.check("second register of the same URI -> wamp.error.procedure_already_exists",
                         lambda: self.expect_error(s["caller"].register(echo, "com.example.interop.echo"),
                                                   "wamp.error.procedure_already_exists"))

        async def still_usable():
            res = await self.step(s["caller"].call("com.example.interop.add2", 40, 2))
            expect(res == 42, f"got {res!r}")
        await self.check("sessions usable after the errors", still_usable)

        # --- Close ----------------------------------------------------------------------------
        async def close():
            attached = [x for x in self.sessions if x.is_attached()]
            expect(len(attached) == len(self.sessions),
                   f"{len(self.sessions) - len(attached)} sessions were already closed by the router")
            for x in attached:
                x.leave()
            await self.step(asyncio.gather(*(x.left for x in attached)))
            await self.step(asyncio.gather(*(x.gone for x in attached)))
        await self.check("GOODBYE handshake and transport close", close)


class CheckFailed(Exception):
    pass


def expect(cond, detail):
    if not cond:
        raise CheckFailed(detail)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cli", help="path of wampscope-cli: start its router on free loopback ports")
    src.add_argument("--url", help="URL of a running router (ws://host:port/path or rs://host:port)")
    ap.add_argument("--transport", choices=["ws", "rs", "wss", "rss"], help="with --cli: which listener to use")
    ap.add_argument("--cafile", help="with --url wss://... or rss://...: CA certificate(s) to trust (PEM)")
    ap.add_argument("--serializer", choices=sorted(SERIALIZERS), default="json")
    ap.add_argument("--mixed", action="store_true",
                    help="with --cli: each session on its own transport+serializer (see MIXED)")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for every single wait (s)")
    opt = ap.parse_args()

    txaio.start_logging(level=os.environ.get("INTEROP_LOG", "warn"))
    if opt.mixed and not opt.cli:
        ap.error("--mixed needs --cli")

    router = None
    ssl_context = ssl.create_default_context(cafile=opt.cafile) if opt.cafile else None
    tls = opt.transport in ("wss", "rss")
    certdir = tempfile.TemporaryDirectory(prefix="wb-interop-tls-")
    if opt.cli:
        if tls:
            cert, key = ic.make_self_signed_cert(certdir.name)
            ssl_context = ssl.create_default_context(cafile=cert)
            router, urls = ic.start_wampscope_router(
                opt.cli, listens=("wss://127.0.0.1:0/ws", "rss://127.0.0.1:0"),
                extra_args=("--tls-cert", cert, "--tls-key", key))
        else:
            router, urls = ic.start_wampscope_router(opt.cli)
        wanted = MIXED if opt.mixed else {n: (opt.transport or "ws", opt.serializer) for n in SESSION_NAMES}
        missing = {t for t, _ in wanted.values()} - set(urls)
        if missing:
            ic.log(f"FAIL: the router printed no {'/'.join(sorted(missing))} listener: {urls}")
            ic.stop_all()
            return 1
        endpoints = {n: (urls[t], ser) for n, (t, ser) in wanted.items()}
    else:
        endpoints = {n: (opt.url, opt.serializer) for n in SESSION_NAMES}
    if opt.mixed:
        title = "autobahn-py mixed (" + ", ".join(f"{n} {t}+{s}" for n, (t, s) in MIXED.items()) + ")"
    else:
        title = f"autobahn-py {urlsplit(endpoints['caller'][0]).scheme}+{opt.serializer}"
    for _, ser in endpoints.values():
        serializer_instance(ser)  # skip/fail early when unavailable

    runner = Runner(endpoints, opt.timeout, title, ssl_context)

    async def run_all():
        if opt.cli and tls:
            await runner.check("TLS: a client that does not trust the router's certificate is refused",
                               runner.untrusted_tls_fails)
        await runner.run()
    try:
        asyncio.run(asyncio.wait_for(run_all(), 9 * opt.timeout))
    except asyncio.TimeoutError:
        runner.checks.fail("overall", f"the checks did not finish within {9 * opt.timeout} s")
    except Exception as e:  # noqa: BLE001
        runner.checks.fail("driver", f"{type(e).__name__}: {e}")

    if router is not None:
        # Router log contract: one stdout line per session join and per leave.
        try:
            left = router.wait_lines("stdout", len(SESSION_NAMES), 5.0, r"^session \d+ left realm realm1\b")
            joined = [ln for ln in router.lines["stdout"] if re.match(r"^session \d+ joined realm realm1\b", ln)]
            ids = lambda lines: sorted(ln.split()[1] for ln in lines)  # noqa: E731
            runner.checks.expect("router logs one line per session join and leave",
                                 len(joined) == len(SESSION_NAMES) and ids(joined) == ids(left),
                                 f"joins {joined}, leaves {left}")
        except (TimeoutError, RuntimeError) as e:
            runner.checks.fail("router logs one line per session join and leave", str(e))
        alive = router.proc.poll() is None
        runner.checks.expect("router still running after the checks", alive,
                             f"router exited with code {router.proc.poll()}")
        rc = router.stop(grace=5.0)
        if alive:
            runner.checks.expect("router stops gracefully on SIGTERM (exit code 0)", rc == 0,
                                 "still running 5 s after SIGTERM" if rc is None else f"exit code {rc}")
        if runner.checks.failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
    ic.stop_all()
    certdir.cleanup()
    return runner.checks.summary()


if __name__ == "__main__":
    sys.exit(main())
