#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: authorization in the built-in router, seen by Autobahn|Python clients with ticket authentication.

    authz_py_test.py --cli build/app/wampscope-cli --transport ws|rs --serializer json|msgpack|cbor

Starts `wampscope-cli router --config <generated file>` with a realm whose roles restrict a user ("rita",
role "restricted"), and checks that her denied CALL / REGISTER / PUBLISH (acknowledged) / SUBSCRIBE come back
as wamp.error.not_authorized, that the allowed ones work end to end with a "backend" session, and that a
user whose role the realm does not define is refused with ABORT wamp.error.no_such_role.
Run it with Debian's /usr/bin/python3. Exit codes: 0 passed, 1 failed, 77 dependencies missing (not in CI).
"""

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

try:
    import txaio
    txaio.use_asyncio()
    from autobahn.asyncio.wamp import ApplicationSession
    from autobahn.asyncio.websocket import WampWebSocketClientFactory
    from autobahn.wamp.exception import ApplicationError
    from autobahn.wamp.types import PublishOptions, SubscribeOptions
    import autobahn_py_client as abc  # RawSocket factory fix-up, serializer lookup
except ImportError as e:
    ic.missing_dependency(f"Autobahn|Python is not importable by {sys.executable} ({e}); "
                          "install python3-autobahn and run this with /usr/bin/python3")

REALM = "com.example.secured"
NOT_AUTHORIZED = "wamp.error.not_authorized"

CONFIG = {
    "realms": [{
        "name": REALM,
        "allow_anonymous": False,
        "roles": [
            {"name": "restricted", "permissions": [
                {"uri": "com.allowed.", "match": "prefix",
                 "allow": {"call": True, "register": True, "publish": True, "subscribe": True},
                 "disclose": {"caller": True, "publisher": False}, "cache": True},
                {"uri": "com.allowed.secret", "match": "exact", "allow": {}},
                {"uri": "com.readonly.", "match": "prefix", "allow": {"call": True, "subscribe": True}},
            ]},
            {"name": "backend", "permissions": [
                {"uri": "", "match": "prefix",
                 "allow": {"call": True, "register": True, "publish": True, "subscribe": True}},
            ]},
        ],
    }],
    "users": [
        {"authid": "rita", "authmethod": "ticket", "secret": "rita-ticket", "authrole": "restricted"},
        {"authid": "bea", "authmethod": "ticket", "secret": "bea-ticket", "authrole": "backend"},
        {"authid": "ghost", "authmethod": "ticket", "secret": "ghost-ticket", "authrole": "nobody"},
    ],
}
TICKETS = {u["authid"]: u["secret"] for u in CONFIG["users"]}


class CheckFailed(Exception):
    pass


def expect(cond, detail):
    if not cond:
        raise CheckFailed(detail)


class TicketSession(ApplicationSession):
    def __init__(self, config, authid, joined):
        super().__init__(config)
        self.user = authid
        self.joined = joined

    def onConnect(self):
        self.join(self.config.realm, authmethods=["ticket"], authid=self.user)

    def onChallenge(self, challenge):
        return TICKETS[self.user]

    def onJoin(self, details):
        self.details = details
        if not self.joined.done():
            self.joined.set_result(self)

    def onLeave(self, details):
        if not self.joined.done():
            self.joined.set_exception(ApplicationError(details.reason, details.message or ""))
        self.disconnect()

    def onDisconnect(self):
        if not self.joined.done():
            self.joined.set_exception(ConnectionError(f"{self.user}: transport closed before WELCOME"))


class Runner:
    def __init__(self, url, serializer, timeout):
        self.url = url
        self.serializer = serializer
        self.timeout = timeout
        self.checks = ic.Checks(f"authz autobahn-py {urlsplit(url).scheme}+{serializer}")
        self.sessions = []

    async def step(self, awaitable):
        return await asyncio.wait_for(awaitable, self.timeout)

    async def connect(self, authid):
        loop = asyncio.get_running_loop()
        joined = loop.create_future()
        u = urlsplit(self.url)
        from autobahn.wamp.types import ComponentConfig

        def make():
            s = TicketSession(ComponentConfig(realm=REALM), authid, joined)
            self.sessions.append(s)
            return s

        ser = abc.serializer_instance(self.serializer)
        if u.scheme == "ws":
            factory = WampWebSocketClientFactory(make, url=self.url, serializers=[ser])
        else:
            factory = abc.WampRawSocketClientFactory(make, serializer=ser)
        await self.step(loop.create_connection(factory, u.hostname, u.port))
        return await self.step(joined)

    async def check(self, name, fn):
        try:
            await fn()
        except CheckFailed as e:
            self.checks.fail(name, str(e))
        except asyncio.TimeoutError:
            self.checks.fail(name, f"no answer within {self.timeout} s")
        except ApplicationError as e:
            self.checks.fail(name, f"unexpected WAMP error {e.error!r} args={list(e.args)!r}")
        except Exception as e:  # noqa: BLE001
            self.checks.fail(name, f"{type(e).__name__}: {e}")
        else:
            self.checks.ok(name)

    async def denied(self, coro, what):
        try:
            res = await self.step(coro)
        except ApplicationError as e:
            expect(e.error == NOT_AUTHORIZED, f"{what}: expected {NOT_AUTHORIZED}, got {e.error!r} {list(e.args)!r}")
            expect(any("restricted" in str(a) for a in e.args), f"{what}: reason should name the role: {list(e.args)!r}")
        else:
            raise CheckFailed(f"{what}: expected {NOT_AUTHORIZED}, got success {res!r}")

    async def run(self):
        s = {}

        async def join():
            s["rita"] = await self.connect("rita")
            s["bea"] = await self.connect("bea")
            expect(s["rita"].details.authrole == "restricted", f"rita's authrole {s['rita'].details.authrole!r}")
            expect(s["bea"].details.authrole == "backend", f"bea's authrole {s['bea'].details.authrole!r}")
        await self.check("join rita (restricted) and bea (backend) with ticket auth", join)
        if len(s) < 2:
            return
        rita, bea = s["rita"], s["bea"]

        await bea.register(lambda *a: ["ro"] + list(a), "com.readonly.proc")
        await bea.register(lambda: "secret", "com.allowed.secret")

        async def denials():
            await self.denied(rita.register(lambda: None, "com.readonly.mine"), "register com.readonly.mine")
            await self.denied(rita.publish("com.readonly.t", 1, options=PublishOptions(acknowledge=True)),
                              "acknowledged publish com.readonly.t")
            await self.denied(rita.subscribe(lambda *a: None, "com.allowed.secret"), "subscribe com.allowed.secret")
            await self.denied(rita.call("com.allowed.secret"), "call com.allowed.secret (exact beats prefix)")
            await self.denied(rita.call("org.unlisted.proc"), "call org.unlisted.proc (no permission)")
            await self.denied(rita.subscribe(lambda *a: None, "com.", options=SubscribeOptions(match="prefix")),
                              "prefix subscribe com.")
            await self.denied(rita.call("wamp.session.count"), "meta API call without a permission")
        await self.check("denied call/register/publish/subscribe -> wamp.error.not_authorized", denials)

        async def allowed():
            res = await self.step(rita.call("com.readonly.proc", 7))
            expect(res == ["ro", 7], f"call com.readonly.proc: {res!r}")
            got = asyncio.Queue()
            await self.step(rita.subscribe(lambda *a: got.put_nowait(list(a)), "com.readonly.t"))
            await self.step(bea.publish("com.readonly.t", "hello", options=PublishOptions(acknowledge=True)))
            ev = await self.step(got.get())
            expect(ev == ["hello"], f"event on com.readonly.t: {ev!r}")
            pub = await self.step(rita.publish("com.allowed.news", 1, options=PublishOptions(acknowledge=True)))
            expect(pub.id > 0, f"publication {pub!r}")
            def mine(*a, **kw):
                return "rita's"
            await self.step(rita.register(mine, "com.allowed.proc"))
            res = await self.step(bea.call("com.allowed.proc"))
            expect(res == "rita's", f"bea calling rita's procedure: {res!r}")
        await self.check("allowed call/register/publish/subscribe work end to end", allowed)

        async def disclosure():
            seen = asyncio.get_running_loop().create_future()

            def who(*a, details=None):
                if not seen.done():
                    seen.set_result(details.caller if details else None)
                return "ok"
            from autobahn.wamp.types import RegisterOptions
            await self.step(bea.register(who, "com.allowed.who", options=RegisterOptions(details_arg="details")))
            await self.step(rita.call("com.allowed.who"))
            caller = await self.step(seen)
            expect(caller == rita.details.session, f"disclose.caller: callee saw caller {caller!r}, "
                                                   f"rita is {rita.details.session}")
        await self.check("permission disclose.caller reveals the caller to the callee", disclosure)

        async def no_such_role():
            try:
                await self.connect("ghost")
            except ApplicationError as e:
                expect(e.error == "wamp.error.no_such_role", f"ghost refused with {e.error!r}")
            else:
                raise CheckFailed("ghost (role not defined on the realm) joined")
        await self.check("a role the realm does not define -> ABORT wamp.error.no_such_role", no_such_role)

        for sess in (rita, bea):
            sess.leave()
        await asyncio.sleep(0.2)


def start_router(cli, config_path, timeout=20.0):
    argv = [cli, "router", "--config", config_path, "--listen", "ws://127.0.0.1:0/ws", "--listen", "rs://127.0.0.1:0"]
    router = ic.Child("router", argv)
    urls = {}
    for line in router.wait_lines("stdout", 2, timeout, ic.LISTEN_RX):
        url = re.search(ic.LISTEN_RX, line).group(1)
        urls.setdefault(url.split(":", 1)[0], url)
    return router, urls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="path to wampscope-cli")
    ap.add_argument("--transport", choices=("ws", "rs"), default="ws")
    ap.add_argument("--serializer", choices=("json", "msgpack", "cbor"), default="json")
    ap.add_argument("--timeout", type=float, default=10.0)
    opt = ap.parse_args()
    txaio.start_logging(level=os.environ.get("INTEROP_LOG", "warn"))
    abc.serializer_instance(opt.serializer)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "router.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(CONFIG, f)
        try:
            router, urls = start_router(opt.cli, path)
        except (TimeoutError, RuntimeError) as e:
            ic.log(f"FAIL: router did not come up: {e}")
            ic.stop_all()
            return 1
        runner = Runner(urls[opt.transport], opt.serializer, opt.timeout)
        try:
            asyncio.run(asyncio.wait_for(runner.run(), 9 * opt.timeout))
        except asyncio.TimeoutError:
            runner.checks.fail("overall", f"the checks did not finish within {9 * opt.timeout} s")
        except Exception as e:  # noqa: BLE001
            runner.checks.fail("driver", f"{type(e).__name__}: {e}")
        try:
            router.wait_line("stderr", r"denied: role \"restricted\" may not register", 5.0)
            runner.checks.ok("router logs the denials")
        except (TimeoutError, RuntimeError) as e:
            runner.checks.fail("router logs the denials", str(e))
        alive = router.proc.poll() is None
        runner.checks.expect("router still running after the checks", alive, f"exit code {router.proc.poll()}")
        if runner.checks.failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
        ic.stop_all()
    return runner.checks.summary()


if __name__ == "__main__":
    sys.exit(main())
