#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: Autobahn|JS (Node) clients against the built-in router.

    autobahn_js_test.py --cli build/app/wampscope-cli --serializer json|msgpack
        starts `wampscope-cli router --listen ws://127.0.0.1:0/ws`, runs
        `node autobahn_js_client.js --url <its ws URL> --serializer ...`, stops the router.
    autobahn_js_test.py --url ws://127.0.0.1:8080/ws --serializer msgpack
        runs the Node client against a router that is already running.

Needs node and tests/interop/node_modules (npm ci). Exit 77 when they are missing, unless CI=true.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cli", help="path of wampscope-cli: start its router on a free loopback port")
    src.add_argument("--url", help="ws:// URL of a running router")
    ap.add_argument("--serializer", choices=["json", "msgpack"], default="json")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for every single wait (s)")
    ap.add_argument("--client", default="autobahn_js_client.js",
                    help="the Node script to run (autobahn_js_client.js, autobahn_js_meta_client.js, autobahn_js_advanced.js)")
    opt = ap.parse_args()

    node = ic.find_node()
    ic.require_node_module("autobahn")

    router = None
    if opt.cli:
        router, urls = ic.start_wampscope_router(opt.cli, listens=("ws://127.0.0.1:0/ws",))
        url = urls.get("ws")
    else:
        url = opt.url

    client = ic.Child("autobahn-js", [node, os.path.join(ic.HERE, opt.client),
                                      "--url", url, "--serializer", opt.serializer,
                                      "--timeout", str(opt.timeout)])
    try:
        rc = client.wait_exit(10 * opt.timeout)
    except TimeoutError as e:
        ic.log(f"FAIL: {e}")
        rc = 1
    print("\n".join(client.lines["stdout"]), flush=True)
    if client.lines["stderr"]:
        ic.log("\n".join(["----- autobahn-js stderr -----"] + client.lines["stderr"][-100:]))
    if rc == ic.SKIP:
        ic.missing_dependency("autobahn_js_client.js could not load its npm packages")

    failed = rc != 0
    if router is not None:
        if router.proc.poll() is not None:
            print(f"FAIL router exited during the test with code {router.proc.poll()}", flush=True)
            failed = True
        router.stop(grace=5.0)
        if failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
    ic.stop_all()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
