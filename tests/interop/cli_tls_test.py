#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""wampscope-cli over TLS against the built-in router run as a process (`wampscope-cli router`).

    cli_tls_test.py --cli build/app/wampscope-cli

Generates a self-signed certificate with the openssl command, starts
`wampscope-cli router --listen wss://127.0.0.1:0/ws --listen rss://127.0.0.1:0 --tls-cert C --tls-key K`
and checks the client flags: --ca-file (trusted: works over wss and rss), no trust (exit 3 with a clear
message naming the certificate), --insecure, --pin-sha256 (right and wrong), TLS flags on a plain URL (usage
error), and the router's own errors: a missing certificate file and a wss listener without certificate.
Exit codes: 0 all checks passed, 1 a check failed, 77 dependencies missing (only when CI is not "true").
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402


class CheckFailed(Exception):
    pass


def expect(cond, detail):
    if not cond:
        raise CheckFailed(detail)


def fingerprint(cert):
    out = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return out.strip().split("=", 1)[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="path of wampscope-cli")
    ap.add_argument("--timeout", type=float, default=20.0, help="bound for every single wait (s)")
    opt = ap.parse_args()
    checks = ic.Checks("wampscope-cli over TLS (wss, rss) vs its built-in router")
    tmp = tempfile.TemporaryDirectory(prefix="wb-cli-tls-")
    cert, key = ic.make_self_signed_cert(tmp.name)
    other_cert, _ = ic.make_self_signed_cert(tmp.name, name="other", cn="other.example", san="DNS:other.example")
    n = [0]

    def run(name, args, timeout=None):
        n[0] += 1
        child = ic.Child(f"{name}#{n[0]}", [opt.cli] + args)
        rc = child.wait_exit(timeout or opt.timeout)
        return rc, child

    def check(name, fn):
        try:
            fn()
        except (CheckFailed, TimeoutError, RuntimeError) as e:
            checks.fail(name, str(e))
        else:
            checks.ok(name)

    router, urls = ic.start_wampscope_router(
        opt.cli, listens=("wss://127.0.0.1:0/ws", "rss://127.0.0.1:0"), extra_args=("--tls-cert", cert, "--tls-key", key))
    wss, rss = urls.get("wss"), urls.get("rss")
    try:
        checks.expect("router prints its wss:// and rss:// listeners", wss and rss, f"got {urls}")
        if not (wss and rss):
            return 1
        proc = "com.example.tls.add"
        callee = ic.Child("register", [opt.cli, "register", proc, "--result", "42", "--url", rss, "--ca-file", cert,
                                       "--serializer", "msgpack"])

        def registered():
            callee.wait_line("stderr", r"^registered ", opt.timeout)
            router.wait_line("stdout", r"joined realm realm1 .* via rawsocket-tls/msgpack", opt.timeout)
        check("register over rss:// with --ca-file (router logs rawsocket-tls)", registered)

        def call_ok(url, extra, serializer="json"):
            def fn():
                rc, child = run("call", ["call", proc, "1", "2", "--url", url, "--serializer", serializer] + extra)
                lines = [json.loads(x) for x in child.lines["stdout"] if x.strip()]
                expect(rc == 0 and lines == [{"args": [42], "kwargs": {}}],
                       f"exit {rc}, stdout {child.lines['stdout']}, stderr {child.lines['stderr']}")
            return fn

        for ser in ("json", "msgpack", "cbor"):
            check(f"call over wss:// with --ca-file ({ser})", call_ok(wss, ["--ca-file", cert], ser))
        check("call over rss:// with --ca-file (cbor)", call_ok(rss, ["--ca-file", cert], "cbor"))
        check("call over wss:// with --insecure", call_ok(wss, ["--insecure"]))
        check("call over rss:// with the right --pin-sha256", call_ok(rss, ["--pin-sha256", fingerprint(cert)]))
        check("call over wss:// with the right --pin-sha256 (lower case, no colons)",
              call_ok(wss, ["--pin-sha256", fingerprint(cert).replace(":", "").lower()]))

        def rejected(url, extra, pattern):
            def fn():
                rc, child = run("call", ["call", proc, "--url", url] + extra)
                err = "\n".join(child.lines["stderr"])
                expect(rc == 3, f"exit {rc} (expected 3), stderr {err}")
                expect(re.search(pattern, err), f"stderr does not match {pattern!r}: {err}")
                expect(not [x for x in child.lines["stdout"] if x.strip()], f"stdout {child.lines['stdout']}")
            return fn

        port = wss.split(":")[2].split("/")[0]
        check("wss:// without trust: exit 3, names the certificate and the reason",
              rejected(wss, [], rf"TLS certificate of 127\.0\.0\.1:{port} rejected: .*self-signed.*CN=localhost.*SHA-256"))
        check("rss:// trusting another CA: exit 3",
              rejected(rss, ["--ca-file", other_cert], r"TLS certificate of 127\.0\.0\.1:\d+ rejected: .*self-signed"))
        check("wss:// with a wrong --pin-sha256: exit 3",
              rejected(wss, ["--pin-sha256", fingerprint(other_cert)], r"does not match the pinned SHA-256 fingerprint"))
        check("router logs the refused TLS client",
              lambda: router.wait_line("stderr", r"connection from .* rejected: .*TLS", opt.timeout))

        def usage(args, pattern):
            def fn():
                rc, child = run("call", ["call", proc] + args)
                err = "\n".join(child.lines["stderr"])
                expect(rc == 2 and re.search(pattern, err), f"exit {rc}, stderr {err}")
            return fn

        check("--insecure with a ws:// URL is a usage error",
              usage(["--url", "ws://127.0.0.1:1/ws", "--insecure"], r"need a wss:// or rss:// --url"))
        check("--pin-sha256 must be 64 hex digits", usage(["--url", wss, "--pin-sha256", "abcd"], r"--pin-sha256 must be"))
        check("--ca-file that does not exist: exit 3 naming the file",
              rejected(wss, ["--ca-file", os.path.join(tmp.name, "nope.pem")], r"cannot read CA file .*nope\.pem"))
        callee.stop()
    finally:
        rc = router.stop(grace=5.0)
        checks.expect("router stops gracefully on SIGTERM", rc == 0, f"exit code {rc}")

    def router_fails(args, code, pattern):
        def fn():
            rc, child = run("router", ["router"] + args)
            err = "\n".join(child.lines["stderr"])
            expect(rc == code, f"exit {rc} (expected {code}), stderr {err}")
            expect(re.search(pattern, err), f"stderr does not match {pattern!r}: {err}")
        return fn

    missing = os.path.join(tmp.name, "missing.crt")
    check("router with a missing certificate file fails to start, naming the file",
          router_fails(["--listen", "wss://127.0.0.1:0/ws", "--tls-cert", missing, "--tls-key", key], 3,
                       rf"cannot listen on wss://127\.0\.0\.1:0/ws: cannot read certificate {re.escape(missing)}"))
    check("router with a wss:// listener but no certificate: usage error",
          router_fails(["--listen", "rss://127.0.0.1:0"], 2, r"needs tls\.certificate and tls\.key"))
    check("router --tls-cert without --tls-key: usage error",
          router_fails(["--listen", "rss://127.0.0.1:0", "--tls-cert", cert], 2, r"--tls-cert and --tls-key go together"))
    config = os.path.join(tmp.name, "router.json")
    with open(config, "w", encoding="utf-8") as f:
        json.dump({"listeners": [{"url": "rss://127.0.0.1:0", "tls": {"certificate": "server.crt", "key": "other.crt"}}]}, f)
    check("router config with a key file that is no key fails to start",
          router_fails(["--config", config], 3, r"private key .*other\.crt is not a readable RSA or EC private key"))
    if checks.failed:
        ic.log(router.dump())
    ic.stop_all()
    tmp.cleanup()
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
