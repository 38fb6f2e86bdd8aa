#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Interop: Autobahn|Python clients authenticating to the built-in router.

    autobahn_py_auth.py --cli build/app/wampscope-cli [--transport ws|rs] [--serializer json|msgpack|cbor]
    autobahn_py_auth.py --cli build/app/wampscope-cli --client js [--serializer json|msgpack]
        the same router set-up, with Autobahn|JS (autobahn_js_auth.js: its auth_cryptosign and auth_cra helpers)

Creates a key with `wampscope-cli keygen --output FILE` (read back by Autobahn's CryptosignKey.from_keyfile) and
SCRAM credentials with `wampscope-cli scram-hash`, writes a router config with those users, starts
`wampscope-cli router --config ...` on free loopback ports, and checks with real Autobahn sessions:
  - WAMP-cryptosign (Autobahn's own signing code): with and without authid, an unauthorized key, a wrong signature;
  - salted WAMP-CRA (autobahn.wamp.auth.derive_key / compute_wcs) and unsalted WAMP-CRA, right and wrong secret;
  - WAMP-SCRAM (argon2id-13 and pbkdf2): Autobahn's AuthScram needs argon2-cffi and passlib, which Debian does not
    package, so the client-side computation here is Autobahn's algorithm (auth.py) on PyNaCl's argon2id and hashlib,
    carried by an Autobahn session; it also checks WELCOME.authextra.scram_server_signature.
Every WELCOME must carry authid, authrole, authmethod and authprovider.
Exit codes: 0 all checks passed, 1 a check failed, 77 dependencies missing (only when CI is not "true").
"""

import argparse
import asyncio
import base64
import binascii
import hashlib
import hmac
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
    from autobahn.asyncio.rawsocket import WampRawSocketClientFactory, WampRawSocketClientProtocol
    from autobahn.asyncio.wamp import ApplicationSession
    from autobahn.asyncio.websocket import WampWebSocketClientFactory
    from autobahn.wamp import auth as ab_auth
    from autobahn.wamp import serializer as ab_serializer
    from autobahn.wamp.cryptosign import CryptosignKey
    from autobahn.wamp.types import ComponentConfig
    import nacl.pwhash
except ImportError as e:
    ic.missing_dependency(f"Autobahn|Python with cryptosign (python3-autobahn, python3-nacl) is not importable by "
                          f"{sys.executable} ({e}); run this with /usr/bin/python3")

if not hasattr(WampRawSocketClientProtocol, "transport_details"):
    # Autobahn 22.7's asyncio RawSocket protocol lacks transport_details (see autobahn_py_client.py).
    class _RawSocketClientProtocol(WampRawSocketClientProtocol):
        @property
        def transport_details(self):
            return self._transport_details

    class _RawSocketClientFactory(WampRawSocketClientFactory):
        protocol = _RawSocketClientProtocol

    WampRawSocketClientFactory = _RawSocketClientFactory  # noqa: F811

REALM = "com.example.secure"
SERIALIZERS = {"json": "JsonSerializer", "msgpack": "MsgPackSerializer", "cbor": "CBORSerializer"}


class CheckFailed(Exception):
    pass


def expect(cond, detail):
    if not cond:
        raise CheckFailed(detail)


# --- WAMP-SCRAM client computation, as autobahn/wamp/auth.py (AuthScram) does it -----------------------------
def scram_salted_password(password, salt, kdf, iterations, memory):
    if kdf == "argon2id-13":
        raw = nacl.pwhash.argon2id.kdf(32, password, base64.b64decode(salt), opslimit=iterations,
                                       memlimit=memory * 1024)
        return base64.b64encode(raw).rstrip(b"=")  # the hash as it appears in argon2's encoded string
    if kdf == "pbkdf2":
        return hashlib.pbkdf2_hmac("sha256", password, base64.b64decode(salt), iterations, 32)
    raise ValueError(f"unknown kdf {kdf!r}")


class Client(ApplicationSession):
    """One session: `auth` describes how to log in (method, authid, key, secret, tamper)."""

    def __init__(self, config, auth, joined):
        super().__init__(config)
        self.auth = auth
        self.joined = joined
        self.scram = None

    def onConnect(self):
        a = self.auth
        extra = {}
        if a["method"] == "cryptosign":
            extra["pubkey"] = a["key"].public_key()
        if a["method"] == "scram":
            self.client_nonce = base64.b64encode(os.urandom(16)).decode("ascii")
            extra["nonce"] = self.client_nonce
        self.join(self.config.realm, authmethods=[a["method"]], authid=a.get("authid"), authextra=extra or None)

    def onChallenge(self, challenge):
        a = self.auth
        if challenge.method == "cryptosign":
            if a.get("signer") is not None:
                return a["signer"].sign_challenge(challenge)
            return a["key"].sign_challenge(challenge)
        if challenge.method == "wampcra":
            secret = a["secret"].encode("utf8")
            if "salt" in challenge.extra:
                secret = ab_auth.derive_key(secret, challenge.extra["salt"], challenge.extra["iterations"],
                                            challenge.extra["keylen"])
            return ab_auth.compute_wcs(secret, challenge.extra["challenge"].encode("utf8"))
        if challenge.method == "scram":
            x = challenge.extra
            nonce = x["nonce"]
            if not nonce.startswith(self.client_nonce):
                raise RuntimeError("SCRAM nonce does not start with the client nonce")
            auth_message = ("n={},r={},r={},s={},i={},c={},r={}".format(
                a["authid"], self.client_nonce, nonce, x["salt"], x["iterations"], "", nonce)).encode("ascii")
            salted = scram_salted_password(a["secret"].encode("utf8"), x["salt"], x["kdf"], int(x["iterations"]),
                                           int(x.get("memory", -1)))
            client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
            stored_key = hashlib.sha256(client_key).digest()
            client_signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
            proof = bytes(p ^ q for p, q in zip(client_key, client_signature))
            server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
            self.scram = base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest()).decode()
            return base64.b64encode(proof).decode("ascii")
        raise RuntimeError(f"unexpected challenge {challenge.method}")

    def onJoin(self, details):
        if not self.joined.done():
            self.joined.set_result((self, details))

    def onLeave(self, details):
        if not self.joined.done():
            self.joined.set_exception(ConnectionError(f"{details.reason}|{details.message or ''}"))
        self.disconnect()

    def onDisconnect(self):
        if not self.joined.done():
            self.joined.set_exception(ConnectionError("transport closed before WELCOME|"))


class Runner:
    def __init__(self, url, serializer, timeout, keys):
        self.url = url
        self.serializer = serializer
        self.timeout = timeout
        self.keys = keys
        self.checks = ic.Checks(f"autobahn-py auth {urlsplit(url).scheme}+{serializer}")

    async def connect(self, auth):
        loop = asyncio.get_running_loop()
        joined = loop.create_future()
        u = urlsplit(self.url)
        ser = getattr(ab_serializer, SERIALIZERS[self.serializer])()

        def make():
            return Client(ComponentConfig(realm=REALM), auth, joined)

        if u.scheme == "ws":
            factory = WampWebSocketClientFactory(make, url=self.url, serializers=[ser])
        else:
            factory = WampRawSocketClientFactory(make, serializer=ser)
        await asyncio.wait_for(loop.create_connection(factory, u.hostname, u.port), self.timeout)
        return await asyncio.wait_for(joined, self.timeout)

    async def check(self, name, fn):
        try:
            await fn()
        except CheckFailed as e:
            self.checks.fail(name, str(e))
        except asyncio.TimeoutError:
            self.checks.fail(name, f"no answer within {self.timeout} s")
        except Exception as e:  # noqa: BLE001
            self.checks.fail(name, f"{type(e).__name__}: {e}")
        else:
            self.checks.ok(name)

    async def joins(self, auth, authid, authrole, authmethod):
        session, details = await self.connect(auth)
        try:
            got = (details.authid, details.authrole, details.authmethod, details.authprovider)
            expect(got == (authid, authrole, authmethod, "static"),
                   f"WELCOME (authid, authrole, authmethod, authprovider) = {got}")
            if authmethod == "scram":
                sig = (details.authextra or {}).get("scram_server_signature")
                expect(sig == session.scram, f"scram_server_signature {sig!r}, expected {session.scram!r}")
            # the session works: call the router's own... a procedure of our own
            await asyncio.wait_for(session.register(lambda x: x * 2, f"com.example.secure.double.{session._session_id}"),
                                   self.timeout)
            res = await asyncio.wait_for(session.call(f"com.example.secure.double.{session._session_id}", 21),
                                         self.timeout)
            expect(res == 42, f"call returned {res!r}")
        finally:
            session.leave()

    async def refused(self, auth, reason):
        try:
            await self.connect(auth)
        except ConnectionError as e:
            got = str(e).split("|", 1)[0]
            expect(got == reason, f"ABORT reason {got!r} ({e}), expected {reason!r}")
        else:
            raise CheckFailed(f"joined, expected ABORT {reason}")

    async def run(self):
        k = self.keys
        stranger = CryptosignKey.from_bytes(os.urandom(32))
        await self.check("cryptosign with authid (key file from wampscope-cli keygen)",
                         lambda: self.joins({"method": "cryptosign", "authid": "device7", "key": k["file"]},
                                            "device7", "device", "cryptosign"))
        await self.check("cryptosign without authid (the router finds the user by key)",
                         lambda: self.joins({"method": "cryptosign", "key": k["second"]}, "device7", "device", "cryptosign"))
        await self.check("cryptosign with an unauthorized key is denied",
                         lambda: self.refused({"method": "cryptosign", "authid": "device7", "key": stranger},
                                              "wamp.error.authentication_denied"))
        await self.check("cryptosign signature by another key is denied",
                         lambda: self.refused({"method": "cryptosign", "authid": "device7", "key": k["file"],
                                               "signer": stranger}, "wamp.error.authentication_denied"))
        await self.check("cryptosign unknown authid",
                         lambda: self.refused({"method": "cryptosign", "authid": "nobody", "key": k["file"]},
                                              "wamp.error.no_such_principal"))
        await self.check("salted WAMP-CRA",
                         lambda: self.joins({"method": "wampcra", "authid": "salty", "secret": "secret123"},
                                            "salty", "user", "wampcra"))
        await self.check("salted WAMP-CRA wrong secret is denied",
                         lambda: self.refused({"method": "wampcra", "authid": "salty", "secret": "secret124"},
                                              "wamp.error.authentication_denied"))
        await self.check("unsalted WAMP-CRA",
                         lambda: self.joins({"method": "wampcra", "authid": "peter", "secret": "secret123"},
                                            "peter", "user", "wampcra"))
        await self.check("SCRAM argon2id-13 (stored credentials from scram-hash)",
                         lambda: self.joins({"method": "scram", "authid": "carol", "secret": "pencil"},
                                            "carol", "user", "scram"))
        await self.check("SCRAM pbkdf2 (password in the config)",
                         lambda: self.joins({"method": "scram", "authid": "dave", "secret": "horse"},
                                            "dave", "ops", "scram"))
        await self.check("SCRAM wrong password is denied",
                         lambda: self.refused({"method": "scram", "authid": "carol", "secret": "pencil!"},
                                              "wamp.error.authentication_denied"))


def run_cli(cli, args, env=None):
    child = ic.Child("cli " + args[0], [cli] + args, env=env)
    rc = child.wait_exit(60)
    if rc != 0:
        ic.log(child.dump())
        raise RuntimeError(f"wampscope-cli {' '.join(args)} exited {rc}")
    return json.loads(child.lines["stdout"][-1])


def run_js(node, opt, url, seed_hex, router):
    client = ic.Child("autobahn-js", [node, os.path.join(ic.HERE, "autobahn_js_auth.js"), "--url", url,
                                      "--realm", REALM, "--seed", seed_hex, "--authid", "device7", "--authrole", "device",
                                      "--cra-authid", "salty", "--cra-secret", "secret123",
                                      "--serializer", opt.serializer, "--timeout", str(opt.timeout)])
    try:
        rc = client.wait_exit(10 * opt.timeout)
    except TimeoutError as e:
        ic.log(f"FAIL: {e}")
        rc = 1
    print("\n".join(client.lines["stdout"]), flush=True)
    if client.lines["stderr"]:
        ic.log("\n".join(["----- autobahn-js stderr -----"] + client.lines["stderr"][-100:]))
    if rc == ic.SKIP:
        ic.missing_dependency("autobahn_js_auth.js could not load its npm packages")
    failed = rc != 0
    if router.proc.poll() is not None:
        print(f"FAIL router exited during the test with code {router.proc.poll()}", flush=True)
        failed = True
    if failed or os.environ.get("INTEROP_VERBOSE"):
        ic.log(router.dump())
    ic.stop_all()
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="path of wampscope-cli")
    ap.add_argument("--transport", choices=["ws", "rs"], default="ws")
    ap.add_argument("--serializer", choices=sorted(SERIALIZERS), default="json")
    ap.add_argument("--timeout", type=float, default=10.0, help="bound for every single wait (s)")
    ap.add_argument("--client", choices=["py", "js"], default="py",
                    help="py: Autobahn|Python sessions (default); js: node autobahn_js_auth.js")
    opt = ap.parse_args()
    if opt.client == "js":
        node = ic.find_node()
        ic.require_node_module("autobahn")
        ic.require_node_module("tweetnacl")
    txaio.start_logging(level=os.environ.get("INTEROP_LOG", "warn"))
    if getattr(ab_serializer, SERIALIZERS[opt.serializer], None) is None:
        ic.missing_dependency(f"Autobahn's {opt.serializer} serializer is unavailable")

    with tempfile.TemporaryDirectory() as tmp:
        keyfile = os.path.join(tmp, "device7.key")
        pub = run_cli(opt.cli, ["keygen", "--output", keyfile])["public_key"]
        second = run_cli(opt.cli, ["keygen"])
        env = dict(os.environ, WAMPSCOPE_SECRET="pencil")
        carol = run_cli(opt.cli, ["scram-hash", "--kdf", "argon2id", "--iterations", "2", "--memory", "4096",
                                  "--authid", "carol"], env=env)
        config = {
            "listeners": [{"url": "ws://127.0.0.1:0/ws"}, {"url": "rs://127.0.0.1:0"}],
            "realms": [{"name": REALM, "allow_anonymous": False}],
            "users": [
                {"authid": "device7", "authmethod": "cryptosign", "authrole": "device",
                 "authorized_keys": [pub, second["public_key"]]},
                {"authid": "salty", "authmethod": "wampcra", "secret": "secret123", "salt": "salt123",
                 "iterations": 1000, "keylen": 32},
                {"authid": "peter", "authmethod": "wampcra", "secret": "secret123"},
                carol,
                {"authid": "dave", "authmethod": "scram", "authrole": "ops", "kdf": "pbkdf2", "secret": "horse",
                 "iterations": 4096},
            ],
        }
        cfg_path = os.path.join(tmp, "router.json")
        with open(cfg_path, "w") as f:
            json.dump(config, f)
        router = ic.Child("router", [opt.cli, "router", "--config", cfg_path])
        urls = {}
        try:
            for line in router.wait_lines("stdout", 2, 20.0, ic.LISTEN_RX):
                url = re.search(ic.LISTEN_RX, line).group(1)
                urls[url.split(":", 1)[0]] = url
        except (TimeoutError, RuntimeError) as e:
            ic.log(f"FAIL: router did not come up: {e}")
            ic.log(router.dump())
            ic.stop_all()
            return 1
        if opt.client == "js":
            return run_js(node, opt, urls["ws"], second["private_key"], router)
        keys = {"file": CryptosignKey.from_keyfile(keyfile),
                "second": CryptosignKey.from_bytes(binascii.a2b_hex(second["private_key"]))}
        runner = Runner(urls[opt.transport], opt.serializer, opt.timeout, keys)
        try:
            asyncio.run(asyncio.wait_for(runner.run(), 20 * opt.timeout))
        except asyncio.TimeoutError:
            runner.checks.fail("overall", f"the checks did not finish within {20 * opt.timeout} s")
        except Exception as e:  # noqa: BLE001
            runner.checks.fail("driver", f"{type(e).__name__}: {e}")
        runner.checks.expect("router logs the cryptosign join",
                             any(re.search(r"joined realm com\.example\.secure as device7 \(role device, cryptosign\)", ln)
                                 for ln in router.lines["stdout"]), "no join line for device7")
        runner.checks.expect("router logs the denied logins",
                             any("authentication failed" in ln for ln in router.lines["stderr"] + router.lines["stdout"]),
                             "no 'authentication failed' log line")
        alive = router.proc.poll() is None
        runner.checks.expect("router still running after the checks", alive, f"exit code {router.proc.poll()}")
        if runner.checks.failed or os.environ.get("INTEROP_VERBOSE"):
            ic.log(router.dump())
        ic.stop_all()
        return runner.checks.summary()


if __name__ == "__main__":
    sys.exit(main())
