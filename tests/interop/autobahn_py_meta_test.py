#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: the WAMP meta API, event retention and testaments seen by Autobahn|Python clients.

    autobahn_py_meta_test.py --cli build/app/wampscope-cli [--transport ws|rs] [--serializer json|msgpack|cbor]
        starts the built-in router on free loopback ports, runs the checks, stops it.
    autobahn_py_meta_test.py --url ws://127.0.0.1:8080/ws
        the same checks against a running router (e.g. Crossbar.io with the meta API open to anonymous).

Checks wamp.session.on_join/on_leave events, wamp.session.count/list/get/kill, the subscription and
registration meta procedures and events, add_testament published on kill, and PUBLISH retain +
SUBSCRIBE get_retained, in the shapes Crossbar.io uses. Run with Debian's /usr/bin/python3.
Exit codes: 0 all checks passed, 1 a check failed, 77 dependencies missing (only when CI is not "true").
"""

import argparse
import asyncio
import os
import sys
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402
import autobahn_py_client as abc  # noqa: E402  (exits 77/1 itself when Autobahn is missing)
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import PublishOptions, SubscribeOptions, RegisterOptions  # noqa: E402

expect = abc.expect


class MetaRunner(abc.Runner):
    async def run(self):
        s = {}

        async def join():
            for name in ("observer", "alice"):
                s[name] = await self.connect(name)
        await self.check("join observer + alice", join)
        if len(s) < 2:
            return
        obs, alice = s["observer"], s["alice"]
        # (the testament topic first: its own subscription must not show up in on_create/on_subscribe)
        queues = {t: asyncio.Queue() for t in (
            "com.example.meta.testament", "wamp.session.on_join", "wamp.session.on_leave",
            "wamp.subscription.on_create", "wamp.subscription.on_subscribe", "wamp.registration.on_create",
            "wamp.registration.on_register")}

        async def subscribe_meta():
            for topic, q in queues.items():
                await self.step(obs.subscribe(lambda *a, q=q, **kw: q.put_nowait(list(a)), topic))
        await self.check("subscribe to the meta events", subscribe_meta)

        async def on_join():
            s["bob"] = await self.connect("bob")
            (details,) = await self.step(queues["wamp.session.on_join"].get())
            expect(isinstance(details, dict), f"on_join payload {details!r}")
            expect(details.get("session") == s["bob"]._session_id,
                   f"on_join session {details.get('session')!r}, bob is {s['bob']._session_id}")
            for key in ("authid", "authrole", "authmethod"):
                expect(isinstance(details.get(key), str), f"on_join {key}: {details!r}")
        await self.check("wamp.session.on_join [details] for a new session", on_join)
        if "bob" not in s:
            return
        bob = s["bob"]
        ids = {n: x._session_id for n, x in s.items()}

        async def count_list_get():
            n = await self.step(obs.call("wamp.session.count"))
            expect(n == 3, f"count {n!r}")
            listed = await self.step(obs.call("wamp.session.list"))
            expect(sorted(listed) == sorted(ids.values()), f"list {listed!r}, expected {ids!r}")
            n = await self.step(obs.call("wamp.session.count", ["nobody"]))
            expect(n == 0, f"count filtered by authrole: {n!r}")
            d = await self.step(obs.call("wamp.session.get", ids["alice"]))
            expect(d.get("session") == ids["alice"] and d.get("authrole") == "anonymous", f"get: {d!r}")
        await self.check("wamp.session.count / list / get", count_list_get)
        await self.check("wamp.session.get unknown -> wamp.error.no_such_session",
                         lambda: self.expect_error(obs.call("wamp.session.get", 1234567), "wamp.error.no_such_session"))

        async def subscription_meta():
            sub = await self.step(alice.subscribe(lambda *a: None, "com.example.meta.topic"))
            sess, details = await self.step(queues["wamp.subscription.on_create"].get())
            expect(sess == ids["alice"] and details.get("id") == sub.id and details.get("uri") == "com.example.meta.topic"
                   and details.get("match") == "exact" and isinstance(details.get("created"), str),
                   f"on_create {sess!r} {details!r}")
            got = await self.step(queues["wamp.subscription.on_subscribe"].get())
            expect(got == [ids["alice"], sub.id], f"on_subscribe {got!r}")
            expect(await self.step(obs.call("wamp.subscription.lookup", "com.example.meta.topic")) == sub.id, "lookup")
            expect(await self.step(obs.call("wamp.subscription.match", "com.example.meta.topic")) == [sub.id], "match")
            subs = await self.step(obs.call("wamp.subscription.list_subscribers", sub.id))
            expect(subs == [ids["alice"]], f"list_subscribers {subs!r}")
            expect(await self.step(obs.call("wamp.subscription.count_subscribers", sub.id)) == 1, "count_subscribers")
            lst = await self.step(obs.call("wamp.subscription.list"))
            expect(sub.id in lst.get("exact", []), f"list {lst!r}")
        await self.check("subscription meta: on_create/on_subscribe, lookup, match, list, list/count_subscribers",
                         subscription_meta)

        async def registration_meta():
            reg = await self.step(alice.register(lambda: 1, "com.example.meta.", RegisterOptions(match="prefix")))
            sess, details = await self.step(queues["wamp.registration.on_create"].get())
            expect(sess == ids["alice"] and details.get("uri") == "com.example.meta." and details.get("match") == "prefix"
                   and details.get("invoke") == "single", f"on_create {sess!r} {details!r}")
            got = await self.step(queues["wamp.registration.on_register"].get())
            expect(got == [ids["alice"], reg.id], f"on_register {got!r}")
            expect(await self.step(obs.call("wamp.registration.match", "com.example.meta.x")) == reg.id, "match")
            expect(await self.step(obs.call("wamp.registration.lookup", "com.example.meta.")) is None, "exact lookup")
            found = await self.step(obs.call("wamp.registration.lookup", "com.example.meta.", {"match": "prefix"}))
            expect(found == reg.id, f"prefix lookup {found!r}")
            callees = await self.step(obs.call("wamp.registration.list_callees", reg.id))
            expect(callees == [ids["alice"]], f"list_callees {callees!r}")
            d = await self.step(obs.call("wamp.registration.get", reg.id))
            expect(d.get("id") == reg.id and d.get("match") == "prefix", f"get {d!r}")
        await self.check("registration meta: on_create/on_register, match, lookup, list_callees, get", registration_meta)
        await self.check("register wamp.* -> wamp.error.invalid_uri",
                         lambda: self.expect_error(alice.register(lambda: 1, "wamp.session.mine"), "wamp.error.invalid_uri"))

        async def retained():
            await self.step(bob.publish("com.example.meta.retained", "kept", options=PublishOptions(retain=True, acknowledge=True)))
            got = asyncio.Queue()
            await self.step(obs.subscribe(lambda *a, details=None: got.put_nowait((list(a), details)),
                                          "com.example.meta.retained",
                                          SubscribeOptions(get_retained=True, details_arg="details")))
            args, details = await self.step(got.get())
            expect(args == ["kept"], f"retained event args {args!r}")
            expect(getattr(details, "retained", None) is True, f"details.retained: {details!r}")
        await self.check("PUBLISH retain=true, SUBSCRIBE get_retained=true -> EVENT.Details.retained", retained)

        async def testament_and_kill():
            await self.step(alice.call("wamp.session.add_testament", "com.example.meta.testament", ["bye"], {}))
            await self.step(obs.call("wamp.session.kill", ids["alice"], reason="com.example.kicked", message="out"))
            details = await self.step(alice.left)
            expect(details.reason == "com.example.kicked", f"killed session reason {details.reason!r}")
            t = await self.step(queues["com.example.meta.testament"].get())
            expect(t == ["bye"], f"testament {t!r}")
            left = await self.step(queues["wamp.session.on_leave"].get())
            expect(left and left[0] == ids["alice"], f"on_leave {left!r}")
        await self.check("add_testament + wamp.session.kill: GOODBYE reason, testament published, on_leave", testament_and_kill)

        async def kill_self():
            await self.expect_error(obs.call("wamp.session.kill", ids["observer"]), "wamp.error.no_such_session")
        await self.check("wamp.session.kill of yourself -> wamp.error.no_such_session", kill_self)

        async def close():
            attached = [x for x in (obs, bob) if x.is_attached()]
            for x in attached:
                x.leave()
            await self.step(asyncio.gather(*(x.left for x in attached)))
        await self.check("leave", close)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cli", help="path of wampscope-cli: start its router on free loopback ports")
    src.add_argument("--url", help="URL of a running router")
    ap.add_argument("--transport", choices=["ws", "rs"], default="ws")
    ap.add_argument("--serializer", choices=sorted(abc.SERIALIZERS), default="json")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for every single wait (s)")
    opt = ap.parse_args()
    abc.txaio.start_logging(level=os.environ.get("INTEROP_LOG", "warn"))
    abc.serializer_instance(opt.serializer)
    router = None
    if opt.cli:
        router, urls = ic.start_wampscope_router(opt.cli)
        url = urls.get(opt.transport)
        if not url:
            ic.log(f"FAIL: the router printed no {opt.transport} listener: {urls}")
            ic.stop_all()
            return 1
    else:
        url = opt.url
    endpoints = {n: (url, opt.serializer) for n in ("observer", "alice", "bob")}
    runner = MetaRunner(endpoints, opt.timeout, f"autobahn-py meta API {urlsplit(url).scheme}+{opt.serializer}")
    try:
        asyncio.run(asyncio.wait_for(runner.run(), 12 * opt.timeout))
    except asyncio.TimeoutError:
        runner.checks.fail("overall", f"the checks did not finish within {12 * opt.timeout} s")
    except Exception as e:  # noqa: BLE001
        runner.checks.fail("driver", f"{type(e).__name__}: {e}")
    if router is not None:
        rc = router.stop(grace=5.0)
        runner.checks.expect("router stops gracefully on SIGTERM (exit code 0)", rc == 0, f"exit code {rc}")
        if runner.checks.failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
    ic.stop_all()
    return runner.checks.summary()


if __name__ == "__main__":
    sys.exit(main())
