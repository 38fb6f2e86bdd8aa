#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: Autobahn|Python clients exercise the Advanced Profile of the built-in router.

    autobahn_py_advanced.py --cli build/app/wampscope-cli [--transport ws|rs] [--serializer json|msgpack|cbor]
        starts `wampscope-cli router --config <tmp>` (realm1, disclose_caller "always") on free loopback ports.
    autobahn_py_advanced.py --url ws://127.0.0.1:8080/ws [--serializer ...]
        the same checks against a running router (the disclosure check expects that router to disclose callers).

Checks: progressive call results, router-enforced call timeout (wamp.error.timeout + INTERRUPT), call canceling,
pattern-based registrations (precedence, details.procedure) and subscriptions (details.topic), shared registrations
(roundrobin, first, last, policy conflict), subscriber black/white listing (session, authid, authrole), publisher
exclusion, caller disclosure by router policy.
Run it with Debian's /usr/bin/python3. Exit codes: 0 passed, 1 a check failed, 77 dependencies missing (not in CI).
"""

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402
import autobahn_py_client as abpy  # noqa: E402  (exits 77 when Autobahn is missing)

from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import CallOptions, PublishOptions, RegisterOptions, SubscribeOptions  # noqa: E402

NAMES = ("callee1", "callee2", "caller", "subscriber", "publisher")
expect = abpy.expect
CheckFailed = abpy.CheckFailed


class AdvancedRunner(abpy.Runner):
    async def run(self):
        s = {}

        async def join():
            for name in NAMES:
                s[name] = await self.connect(name)
        await self.check("join (5 sessions)", join)
        if len(s) < len(NAMES):
            return
        callee1, callee2, caller, sub, pub = (s[n] for n in NAMES)
        loop = asyncio.get_running_loop()

        # --- progressive call results (§11.1) -------------------------------------------------------------
        async def stream(n, details=None):
            if details.progress:
                for i in range(n):
                    details.progress(i, step=i)
            return "done"

        async def progressive():
            await self.step(callee1.register(stream, "com.example.adv.stream", RegisterOptions(details_arg="details")))
            got = []
            res = await self.step(caller.call("com.example.adv.stream", 3,
                                              options=CallOptions(on_progress=lambda *a, **kw: got.append((a, kw)))))
            expect(res == "done", f"final result {res!r}")
            expect(got == [((0,), {"step": 0}), ((1,), {"step": 1}), ((2,), {"step": 2})], f"progressive results {got!r}")
            res = await self.step(caller.call("com.example.adv.stream", 2))
            expect(res == "done", f"without on_progress: {res!r}")
        await self.check("progressive call results: 3 chunks then the final result", progressive)

        # --- call timeout (§11.3) and canceling (§11.4) ---------------------------------------------------
        interrupted = asyncio.Queue()
        invoked = asyncio.Queue()

        async def slow(tag):
            invoked.put_nowait(tag)
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                interrupted.put_nowait(tag)
                raise
            return "late"

        async def timeout():
            await self.step(callee1.register(slow, "com.example.adv.slow"))
            t0 = loop.time()
            await self.expect_error(caller.call("com.example.adv.slow", "t", options=CallOptions(timeout=300)),
                                    "wamp.error.timeout")
            elapsed = loop.time() - t0
            expect(0.25 <= elapsed < 5, f"timed out after {elapsed:.2f} s (timeout 300 ms)")
            tag = await self.step(interrupted.get())
            expect(tag == "t", f"interrupted {tag!r}")
        await self.check("call timeout: caller gets wamp.error.timeout, callee is interrupted", timeout)

        async def cancel():
            fut = caller.call("com.example.adv.slow", "c")
            while (tag := await self.step(invoked.get())) != "c":  # the INVOCATION is at the callee: cancel now
                pass
            fut.cancel()
            try:
                await self.step(fut)
            except asyncio.CancelledError:
                pass
            tag = await self.step(interrupted.get())
            expect(tag == "c", f"interrupted {tag!r}")
            res = await self.step(caller.call("com.example.adv.stream", 0))
            expect(res == "done", "caller usable after the cancel")
        await self.check("call canceling: the callee gets INTERRUPT, the caller stays usable", cancel)

        # --- pattern-based registrations (§11.6) ----------------------------------------------------------
        def which(tag):
            def proc(*a, details=None):
                return [tag, details.procedure]
            return proc

        async def patterns():
            for tag, uri, match in (("exact", "com.example.adv.pat.a.b", None),
                                    ("prefix-long", "com.example.adv.pat.a", "prefix"),
                                    ("prefix-short", "com.example.adv.pat", "prefix"),
                                    ("wildcard", "com.example.adv..x", "wildcard")):
                await self.step(callee2.register(which(tag), uri, RegisterOptions(match=match, details_arg="details")))
            cases = (("com.example.adv.pat.a.b", ["exact", None]),
                     ("com.example.adv.pat.a.c", ["prefix-long", "com.example.adv.pat.a.c"]),
                     ("com.example.adv.patz", ["prefix-short", "com.example.adv.patz"]),
                     ("com.example.adv.q.x", ["wildcard", "com.example.adv.q.x"]))
            for uri, want in cases:
                got = await self.step(caller.call(uri))
                if want[1] is None:
                    got = [got[0], None]  # exact match: details.procedure may be the URI or absent
                expect(got == want, f"call {uri}: expected {want!r}, got {got!r}")
        await self.check("pattern registrations: exact > longest prefix > wildcard, details.procedure", patterns)

        # --- shared registrations (§11.7) -----------------------------------------------------------------
        def tagged(tag):
            return lambda: tag

        async def shared():
            for policy in ("roundrobin", "first", "last"):
                uri = f"com.example.adv.shared.{policy}"
                r1 = await self.step(callee1.register(tagged("c1"), uri, RegisterOptions(invoke=policy)))
                r2 = await self.step(callee2.register(tagged("c2"), uri, RegisterOptions(invoke=policy)))
                expect(r1.id == r2.id, f"{policy}: registration IDs differ ({r1.id} vs {r2.id})")
                got = [await self.step(caller.call(uri)) for _ in range(4)]
                want = {"roundrobin": ["c1", "c2", "c1", "c2"], "first": ["c1"] * 4, "last": ["c2"] * 4}[policy]
                expect(got == want, f"{policy}: expected {want}, got {got}")
            await self.expect_error(caller.register(tagged("x"), "com.example.adv.shared.roundrobin",
                                                    RegisterOptions(invoke="random")),
                                    "wamp.error.procedure_exists_with_different_invocation_policy")
            await self.expect_error(caller.register(tagged("x"), "com.example.adv.stream"),
                                    "wamp.error.procedure_already_exists")
            # When one callee unregisters, the other keeps serving.
            reg = next(r for r in callee1._registrations.values() if r.procedure == "com.example.adv.shared.first")
            await self.step(reg.unregister())
            got = [await self.step(caller.call("com.example.adv.shared.first")) for _ in range(2)]
            expect(got == ["c2", "c2"], f"after unregister: {got}")
        await self.check("shared registrations: roundrobin, first, last, policy conflict, unregister", shared)

        # --- pattern subscriptions (§12.5) ----------------------------------------------------------------
        events = asyncio.Queue()

        def on_event(*a, details=None):
            events.put_nowait((a, details.topic, details.publisher))

        async def pattern_sub():
            await self.step(sub.subscribe(on_event, "com.example.adv..temp",
                                          SubscribeOptions(match="wildcard", details_arg="details")))
            pub.publish("com.example.adv.room1.temp", 21)
            pub.publish("com.example.adv.room1.humidity", 50)  # no match
            pub.publish("com.example.adv.room2.temp", 19)
            got = [await self.step(events.get()) for _ in range(2)]
            expect([(g[0], g[1]) for g in got] == [((21,), "com.example.adv.room1.temp"), ((19,), "com.example.adv.room2.temp")],
                   f"events {got!r}")
        await self.check("wildcard subscription: details.topic carries the concrete topic", pattern_sub)

        # --- black/white listing (§12.1), publisher exclusion (§12.2) -------------------------------------
        async def blackwhite():
            topic = "com.example.adv.bw"
            got = {"sub": asyncio.Queue(), "pub": asyncio.Queue()}
            await self.step(sub.subscribe(lambda m: got["sub"].put_nowait(m), topic))
            await self.step(pub.subscribe(lambda m: got["pub"].put_nowait(m), topic))
            sid, pid = sub.session_id, pub.session_id
            sends = (("default", PublishOptions()),
                     ("include-me", PublishOptions(exclude_me=False)),
                     ("exclude-sub", PublishOptions(exclude_me=False, exclude=[sid])),
                     ("eligible-sub", PublishOptions(exclude_me=False, eligible=[sid])),
                     ("eligible-both-exclude-sub", PublishOptions(exclude_me=False, eligible=[sid, pid], exclude=[sid])),
                     ("eligible-authid-sub", PublishOptions(exclude_me=False, eligible_authid=[sub._authid])),
                     ("exclude-authid-sub", PublishOptions(exclude_me=False, exclude_authid=[sub._authid])),
                     ("exclude-authrole", PublishOptions(exclude_me=False, exclude_authrole=["anonymous"])),
                     ("eligible-authrole", PublishOptions(exclude_me=False, eligible_authrole=["anonymous"])),
                     ("end", PublishOptions(exclude_me=False, acknowledge=True)))
            for marker, options in sends:
                res = pub.publish(topic, marker, options=options)
            await self.step(res)

            async def drain(q):
                out = []
                while not out or out[-1] != "end":
                    out.append(await self.step(q.get()))
                return out
            gs, gp = await drain(got["sub"]), await drain(got["pub"])
            expect(gs == ["default", "include-me", "eligible-sub", "eligible-authid-sub", "eligible-authrole", "end"],
                   f"subscriber got {gs}")
            expect(gp == ["include-me", "exclude-sub", "eligible-both-exclude-sub", "exclude-authid-sub",
                          "eligible-authrole", "end"], f"publisher got {gp}")
        await self.check("black/white lists (session, authid, authrole) and publisher exclusion", blackwhite)

        # --- caller identification by router policy (§11.5) -----------------------------------------------
        async def disclosure():
            def who(details=None):
                return [details.caller, details.caller_authrole]
            await self.step(callee2.register(who, "com.example.adv.who", RegisterOptions(details_arg="details")))
            got = await self.step(caller.call("com.example.adv.who"))
            expect(got == [caller.session_id, "anonymous"], f"expected [{caller.session_id}, 'anonymous'], got {got!r}")
        await self.check("caller disclosed by the router's disclose_caller policy", disclosure)

        async def close():
            for x in self.sessions:
                if x.is_attached():
                    x.leave()
            await self.step(asyncio.gather(*(x.left for x in self.sessions)))
        await self.check("GOODBYE", close)


def start_router(cli):
    """`wampscope-cli router --config` with disclose_caller "always"; returns (child, {"ws": url, "rs": url})."""
    cfg = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"listeners": [{"url": "ws://127.0.0.1:0/ws"}, {"url": "rs://127.0.0.1:0"}],
               "realms": [{"name": abpy.REALM, "disclose_caller": "always"}]}, cfg)
    cfg.close()
    router = ic.Child("router", [cli, "router", "--config", cfg.name])
    urls = {}
    try:
        for line in router.wait_lines("stdout", 2, 20.0, ic.LISTEN_RX):
            url = re.search(ic.LISTEN_RX, line).group(1)
            urls.setdefault(url.split(":", 1)[0], url)
    except (TimeoutError, RuntimeError) as e:
        ic.log(f"FAIL: router did not come up: {e}")
        ic.log(router.dump())
        ic.stop_all()
        sys.exit(1)
    finally:
        os.unlink(cfg.name)
    return router, urls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cli", help="path of wampscope-cli: start its router on free loopback ports")
    src.add_argument("--url", help="URL of a running router (ws://host:port/path or rs://host:port)")
    ap.add_argument("--transport", choices=["ws", "rs"], default="ws", help="with --cli: which listener to use")
    ap.add_argument("--serializer", choices=sorted(abpy.SERIALIZERS), default="json")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for every single wait (s)")
    opt = ap.parse_args()
    abpy.txaio.start_logging(level=os.environ.get("INTEROP_LOG", "warn"))
    abpy.serializer_instance(opt.serializer)

    router = None
    if opt.cli:
        router, urls = start_router(opt.cli)
        url = urls.get(opt.transport)
        if not url:
            ic.log(f"FAIL: no {opt.transport} listener: {urls}")
            ic.stop_all()
            return 1
    else:
        url = opt.url
    runner = AdvancedRunner({n: (url, opt.serializer) for n in NAMES}, opt.timeout,
                            f"autobahn-py advanced {url.split(':', 1)[0]}+{opt.serializer}")
    try:
        asyncio.run(asyncio.wait_for(runner.run(), 12 * opt.timeout))
    except asyncio.TimeoutError:
        runner.checks.fail("overall", f"the checks did not finish within {12 * opt.timeout} s")
    except Exception as e:  # noqa: BLE001
        runner.checks.fail("driver", f"{type(e).__name__}: {e}")
    if router is not None:
        runner.checks.expect("router still running after the checks", router.proc.poll() is None,
                             f"router exited with code {router.proc.poll()}")
        router.stop(grace=5.0)
        if runner.checks.failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
    ic.stop_all()
    return runner.checks.summary()


if __name__ == "__main__":
    sys.exit(main())
