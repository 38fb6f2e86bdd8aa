#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: an Autobahn|C++ client (tests/interop/autobahn_cpp/client.cpp) against the built-in router.

    autobahn_cpp_test.py --cli build/app/wampscope-cli --client build/tests/interop/autobahn_cpp_client
        starts `wampscope-cli router --listen ws://127.0.0.1:0/ws --listen rs://127.0.0.1:0`, runs the
        client against the rs:// port (RawSocket over TCP, MessagePack), checks the router's
        join/leave log lines, stops the router.
    autobahn_cpp_test.py --client ... --url rs://127.0.0.1:8081
        runs the client against a router that is already running.

Env INTEROP_VERBOSE=1 prints the router's output also on success; INTEROP_DEBUG=1 runs the client
with --debug (Autobahn|C++ then logs every WAMP message).
Exit codes: 0 all checks passed, 1 a check failed, 77 the client was not built because autobahn-cpp-dev
or Boost is missing (only when CI is not "true").
"""

import argparse
import os
import re
import sys
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cli", help="path of wampscope-cli: start its router on free loopback ports")
    src.add_argument("--url", help="rs://host:port of a running router")
    ap.add_argument("--client", default="", help="path of the built autobahn_cpp_client ('' = not built)")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for every single wait (s)")
    opt = ap.parse_args()

    if not opt.client:
        ic.missing_dependency("the Autobahn|C++ client was not built (CMake found no autobahn-cpp-dev "
                              "headers or Boost system/thread/chrono); install autobahn-cpp-dev and reconfigure")
    if not (os.path.isfile(opt.client) and os.access(opt.client, os.X_OK)):
        ic.log(f"FAIL: Autobahn|C++ client not found or not executable: {opt.client}")
        return 1

    checks = ic.Checks("autobahn-cpp rs+msgpack (driver)")
    router = None
    if opt.cli:
        router, urls = ic.start_wampscope_router(opt.cli)
        if "rs" not in urls:
            ic.log(f"FAIL: the router printed no rs:// listener: {urls}")
            ic.stop_all()
            return 1
        url = urls["rs"]
    else:
        url = opt.url
    u = urlsplit(url)
    if u.scheme != "rs" or not u.port:
        ic.log(f"FAIL: not an rs://host:port URL: {url}")
        ic.stop_all()
        return 1

    argv = [opt.client, "--host", u.hostname, "--port", str(u.port), "--timeout", str(opt.timeout)]
    if os.environ.get("INTEROP_DEBUG"):
        argv.append("--debug")
    client = ic.Child("autobahn-cpp", argv)
    try:
        rc = client.wait_exit(20 * opt.timeout)
    except TimeoutError as e:
        rc = None
        checks.fail("client finished", str(e))
    for line in client.lines["stdout"]:
        print(f"  [client] {line}", flush=True)
    for line in client.lines["stderr"]:
        ic.log(f"  [client stderr] {line}")
    if rc is not None:
        checks.expect("Autobahn|C++ client passed all its checks (exit code 0)", rc == 0, f"exit code {rc}")

    if router is not None:
        # Router log contract: one stdout line per session join and per leave (the client uses two sessions).
        try:
            left = router.wait_lines("stdout", 2, 5.0, r"^session \d+ left realm realm1\b")
            joined = [ln for ln in router.lines["stdout"] if re.match(r"^session \d+ joined realm realm1\b", ln)]
            ids = lambda lines: sorted(ln.split()[1] for ln in lines)  # noqa: E731
            checks.expect("router logs one line per session join and leave",
                          len(joined) == 2 and ids(joined) == ids(left)
                          and all("via rawsocket-tcp/msgpack" in ln for ln in joined),
                          f"joins {joined}, leaves {left}")
        except (TimeoutError, RuntimeError) as e:
            checks.fail("router logs one line per session join and leave", str(e))
        alive = router.proc.poll() is None
        checks.expect("router still running after the client", alive,
                      f"router exited with code {router.proc.poll()}")
        rrc = router.stop(grace=5.0)
        if alive:
            checks.expect("router stops gracefully on SIGTERM (exit code 0)", rrc == 0,
                          "still running 5 s after SIGTERM" if rrc is None else f"exit code {rrc}")
        if checks.failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
    ic.stop_all()
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
