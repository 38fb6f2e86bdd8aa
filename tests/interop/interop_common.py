# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers for the interop drivers (standard library only).

* Child processes (routers, wampscope-cli clients) with line readers on stdout/stderr,
  bounded waits for a line, and cleanup: each child gets PR_SET_PDEATHSIG so it dies with
  the driver even when CTest kills the driver on timeout.
* Missing dependencies: exit 77 (CTest SKIP_RETURN_CODE) locally, but fail when CI=true.
* A tiny check recorder that prints PASS/FAIL lines and a closing "N passed, N failed".
"""

import ctypes
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
NODE_MODULES = os.path.join(HERE, "node_modules")

_children = []


def in_ci():
    return os.environ.get("CI", "").strip().lower() == "true"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def missing_dependency(what):
    """A dependency is not installed: skip locally (77), fail in CI."""
    if in_ci():
        log(f"FAIL: {what} (CI=true: missing dependencies fail the test; run 'bash bootstrap.sh test')")
        sys.exit(1)
    log(f"SKIP: {what} (run 'bash bootstrap.sh test' to install the test dependencies)")
    sys.exit(SKIP)


def find_node():
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        missing_dependency("Node.js ('node') is not on PATH")
    return node


def require_node_module(name):
    if not os.path.isfile(os.path.join(NODE_MODULES, name, "package.json")):
        missing_dependency(f"npm package '{name}' is not installed in {NODE_MODULES}")


def _set_pdeathsig():
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Child:
    """A child process whose stdout/stderr lines are collected by reader threads."""

    def __init__(self, name, argv, env=None, stdin=subprocess.DEVNULL):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.lines = {"stdout": [], "stderr": []}
        self._cond = threading.Condition()
        self._closed = {"stdout": False, "stderr": False}
        log(f"[{name}] start: {' '.join(self.argv)}")
        self.proc = subprocess.Popen(
            self.argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, preexec_fn=_set_pdeathsig)
        _children.append(self)
        self._threads = [threading.Thread(target=self._reader, args=(s,), daemon=True)
                         for s in ("stdout", "stderr")]
        for t in self._threads:
            t.start()

    def _reader(self, stream):
        pipe = getattr(self.proc, stream)
        for raw in iter(pipe.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self._cond:
                self.lines[stream].append(line)
                self._cond.notify_all()
        with self._cond:
            self._closed[stream] = True
            self._cond.notify_all()

    def wait_line(self, stream, pattern, timeout, start=0):
        """Wait until a line of `stream` (from index `start`) matches `pattern`.
        Returns the re.Match; raises TimeoutError / RuntimeError (process ended) otherwise."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            i = start
            while True:
                lines = self.lines[stream]
                while i < len(lines):
                    m = rx.search(lines[i])
                    if m:
                        return m
                    i += 1
                if self._closed[stream]:
                    raise RuntimeError(f"{self.name} closed its {stream} (exit code {self.proc.poll()}) "
                                       f"before printing a line matching {pattern!r}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self.name}: no {stream} line matching {pattern!r} within {timeout} s")
                self._cond.wait(left)

    def wait_lines(self, stream, count, timeout, pattern=r"\S"):
        """Wait until `stream` holds `count` lines matching `pattern`; returns them."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [ln for ln in self.lines[stream] if rx.search(ln)]
                if len(got) >= count:
                    return got
                if self._closed[stream]:
                    raise RuntimeError(f"{self.name} closed its {stream} (exit code {self.proc.poll()}) "
                                       f"after {len(got)} of {count} lines")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self.name}: {len(got)} of {count} {stream} lines within {timeout} s")
                self._cond.wait(left)

    def wait_exit(self, timeout):
        """Wait for the process to end and its output to be read; returns the exit code.
        On timeout the process is killed and TimeoutError is raised."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TimeoutError(f"{self.name} did not exit within {timeout} s (killed)")
        for t in self._threads:
            t.join(5)
        return rc

    def stop(self, grace=5.0):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit code."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                log(f"[{self.name}] did not stop on SIGTERM within {grace} s: killing it")
                self.kill()
        for t in self._threads:
            t.join(5)
        return self.proc.poll()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def dump(self, limit=200):
        """Everything the child printed, for a failure report."""
        out = []
        for s in ("stdout", "stderr"):
            lines = self.lines[s]
            out.append(f"----- {self.name} {s} ({len(lines)} lines) -----")
            out.extend(lines[-limit:])
        return "\n".join(out)


def stop_all():
    for c in reversed(_children):
        try:
            c.stop(grace=3.0)
        except Exception as e:  # noqa: BLE001 - cleanup must go on
            log(f"[{c.name}] cleanup: {e}")


def _on_signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)


LISTEN_RX = r"listening on ((?:wss?|rss?)://\S+)"


def start_wampscope_router(cli, listens=("ws://127.0.0.1:0/ws", "rs://127.0.0.1:0"), timeout=20.0, extra_args=()):
    """Start `wampscope-cli router --listen ... [extra_args]` and return (child, {"ws": url, "rs": url, ...}).
    Contract: once listening the router prints `listening on <url>` on stdout, one line per listener."""
    if not (os.path.isfile(cli) and os.access(cli, os.X_OK)):
        log(f"FAIL: wampscope-cli not found or not executable: {cli}")
        sys.exit(1)
    argv = [cli, "router"]
    for url in listens:
        argv += ["--listen", url]
    argv += list(extra_args)
    router = Child("router", argv)
    urls = {}
    try:
        for line in router.wait_lines("stdout", len(listens), timeout, LISTEN_RX):
            url = re.search(LISTEN_RX, line).group(1)
            urls.setdefault(url.split(":", 1)[0], url)
    except (TimeoutError, RuntimeError) as e:
        log(f"FAIL: router did not come up: {e}")
        log(router.dump())
        stop_all()
        sys.exit(1)
    for scheme, url in urls.items():
        if re.search(r":0(/|$)", url):
            log(f"FAIL: router reported port 0 instead of the bound port: {url}")
            stop_all()
            sys.exit(1)
    log(f"[router] up: {urls}")
    return router, urls


def make_self_signed_cert(directory, name="server", cn="localhost", san="IP:127.0.0.1,DNS:localhost"):
    """Generate a self-signed EC certificate with the openssl command: returns (cert_path, key_path)."""
    openssl = shutil.which("openssl")
    if not openssl:
        missing_dependency("the openssl command is not installed (needed to generate test certificates)")
    cert = os.path.join(directory, f"{name}.crt")
    key = os.path.join(directory, f"{name}.key")
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-keyout", key, "-out", cert, "-days", "2", "-nodes", "-subj", f"/CN={cn}",
                    "-addext", f"subjectAltName={san}"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    return cert, key


def start_fox_router(timeout=20.0):
    """Start fox-wamp (tests/interop/fox_router.js) on a free loopback port: (child, ws_url)."""
    node = find_node()
    require_node_module("fox-wamp")
    fox = Child("fox-wamp", [node, os.path.join(HERE, "fox_router.js"), "--exit-on-stdin-eof"],
                stdin=subprocess.PIPE)
    try:
        m = fox.wait_line("stdout", LISTEN_RX, timeout)
    except (TimeoutError, RuntimeError) as e:
        log(f"FAIL: fox-wamp did not come up: {e}")
        log(fox.dump())
        stop_all()
        sys.exit(1)
    return fox, m.group(1)


class Checks:
    """Records named checks; prints PASS/FAIL lines and a closing summary line."""

    def __init__(self, title):
        self.title = title
        self.passed = []
        self.failed = []

    def ok(self, name):
        self.passed.append(name)
        print(f"PASS {name}", flush=True)

    def fail(self, name, detail):
        self.failed.append(name)
        print(f"FAIL {name}: {detail}", flush=True)

    def expect(self, name, cond, detail=""):
        if cond:
            self.ok(name)
        else:
            self.fail(name, detail)
        return cond

    def summary(self):
        print(f"{self.title}: {len(self.passed)} passed, {len(self.failed)} failed", flush=True)
        return 0 if not self.failed and self.passed else 1
