#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: Autobahn|JS (Node) clients against the built-in router.

    autobahn_js_test.py --cli build/app/wampscope-cli --serializer json|msgpack
        starts `wampscope-cli router --listen ws://127.0.0.1:0/ws`, runs
        `node autobahn_js_client.js --url <its ws URL> --serializer ...`, stops the router.
    autobahn_js_test.py --cli build/app/wampscope-cli --serializer json --tls
        the same over wss://: generates a self-signed certificate (openssl), starts the router with
        --listen wss://... --tls-cert/--tls-key, and lets Node trust exactly that certificate
        (NODE_EXTRA_CA_CERTS); also checks that Node without that trust is refused.
    autobahn_js_test.py --url ws://127.0.0.1:8080/ws --serializer msgpack
        runs the Node client against a router that is already running.

Needs node and tests/interop/node_modules (npm ci). Exit 77 when they are missing, unless CI=true.
"""

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--cli", help="path of wampscope-cli: start its router on a free loopback port")
    src.add_argument("--url", help="ws:// URL of a running router")
    ap.add_argument("--serializer", choices=["json", "msgpack"], default="json")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for every single wait (s)")
    ap.add_argument("--tls", action="store_true", help="with --cli: wss:// with a generated self-signed certificate")
    ap.add_argument("--client", default="autobahn_js_client.js",
                    help="the Node script to run (autobahn_js_client.js, autobahn_js_meta_client.js, autobahn_js_advanced.js)")
    opt = ap.parse_args()

    node = ic.find_node()
    ic.require_node_module("autobahn")

    router = None
    certdir = tempfile.TemporaryDirectory(prefix="wb-interop-js-tls-")
    env = dict(os.environ)
    env.pop("NODE_EXTRA_CA_CERTS", None)
    if opt.cli and opt.tls:
        cert, key = ic.make_self_signed_cert(certdir.name)
        router, urls = ic.start_wampscope_router(opt.cli, listens=("wss://127.0.0.1:0/ws",),
                                                 extra_args=("--tls-cert", cert, "--tls-key", key))
        url = urls.get("wss")
    elif opt.cli:
        router, urls = ic.start_wampscope_router(opt.cli, listens=("ws://127.0.0.1:0/ws",))
        url = urls.get("ws")
    else:
        url = opt.url

    failed = False
    if opt.cli and opt.tls:
        # Node without the certificate must be refused: the client cannot join and fails (non-zero, not a skip).
        untrusted = ic.Child("autobahn-js-untrusted", [node, os.path.join(ic.HERE, opt.client), "--url", url,
                                                       "--serializer", opt.serializer, "--timeout", "5"], env=env)
        try:
            rc = untrusted.wait_exit(60)
        except TimeoutError:
            rc = 1
        if rc == ic.SKIP:
            ic.missing_dependency("autobahn_js_client.js could not load its npm packages")
        refused = [l for l in untrusted.lines["stdout"] if "connection closed before WELCOME" in l]
        if rc == 0 or not refused:
            print("FAIL TLS: Node without the router's self-signed certificate was not refused at connect time "
                  f"(exit {rc})", flush=True)
            ic.log("\n".join(["----- autobahn-js (untrusted) output -----"] + untrusted.lines["stdout"][-20:]))
            failed = True
        else:
            print(f"PASS TLS: Node without the router's certificate is refused ({refused[0].strip()})", flush=True)
        env["NODE_EXTRA_CA_CERTS"] = cert

    client = ic.Child("autobahn-js", [node, os.path.join(ic.HERE, opt.client),
                                      "--url", url, "--serializer", opt.serializer,
                                      "--timeout", str(opt.timeout)], env=env)
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

    failed = failed or rc != 0
    if router is not None:
        if router.proc.poll() is not None:
            print(f"FAIL router exited during the test with code {router.proc.poll()}", flush=True)
            failed = True
        router.stop(grace=5.0)
        if failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
    ic.stop_all()
    certdir.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
