#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Set up, build and run or test Wampscope on Debian 12 (run as root, or as a user with sudo).
#
#   bash bootstrap.sh run    install what is missing, build, launch build/app/wampscope (the window with
#                            its built-in router on ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm
#                            realm1); without a display, run the router headless (wampscope-cli router)
#   bash bootstrap.sh test   install what is missing (also the interop tests' Python and npm packages),
#                            build, run the whole CTest suite; exits non-zero when a test fails
#
# Idempotent: apt-get runs only when a package is missing. Arguments after `run` go to the program.
# Env: BUILD_JOBS (default: nproc), CTEST_JOBS (default 2), CTEST_ARGS (extra ctest arguments).
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
ROOT=$PWD
BUILD_DIR=$ROOT/build
T0=$SECONDS

usage() {
    echo "usage: bash bootstrap.sh run|test" >&2
    echo "  run   build, then launch build/app/wampscope (or, without a display, wampscope-cli router)" >&2
    echo "  test  build, then run the whole test suite with ctest" >&2
}

MODE=${1:-}
case "$MODE" in
    run | test) shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'bootstrap.sh: %s\n' "$*" >&2; exit 1; }

# --- Debian packages ------------------------------------------------------------------------------
# Build: compiler, CMake/Ninja, Qt 6.4 (Core, Network, WebSockets, Widgets, Test; tools and translations),
# msgpack-c, libsodium, OpenGL headers (Qt6Gui's CMake package needs them), QtKeychain.
BUILD_PKGS=(build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-websockets-dev qt6-declarative-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qtkeychain-qt6-dev libmsgpack-dev libsodium-dev libgl-dev)
# Tests: Autobahn|Python with MessagePack and CBOR (python3-autobahn pulls in Twisted and PyNaCl), and
# Xvfb for tests that want a real X display (the GUI tests themselves run offscreen); Autobahn|C++
# (header-only; pulls in the Boost system/thread/chrono dev packages) for the C++ interop client; the openssl
# command generates the self-signed certificates of the TLS tests.
TEST_PKGS=(python3-autobahn python3-msgpack python3-cbor2 python3-twisted python3-nacl xvfb xauth
    autobahn-cpp-dev openssl)

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

SUDO=()
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: run as root (the README's set-up commands do)"
    SUDO=(sudo)
fi

install_packages() {
    local missing=() p
    for p in "$@"; do
        is_installed "$p" || missing+=("$p")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "Debian packages: all ${#@} present"
        return
    fi
    echo "Debian packages missing: ${missing[*]}"
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

step "Debian packages ($MODE)"
pkgs=("${BUILD_PKGS[@]}")
if [[ $MODE == test ]]; then
    pkgs+=("${TEST_PKGS[@]}")
    # Node.js and npm: the machines may carry a newer Node (with its own npm) than Debian's; keep it,
    # and fall back to Debian's nodejs/npm only when the commands are missing.
    command -v node >/dev/null || pkgs+=(nodejs)
    command -v npm >/dev/null || pkgs+=(npm)
fi
install_packages "${pkgs[@]}"

# --- npm packages for the interop tests ----------------------------------------------------------------
if [[ $MODE == test ]]; then
    step "npm packages for tests/interop (npm ci, from the committed package-lock.json)"
    echo "node $(node --version), npm $(npm --version 2>/dev/null)"
    # tests/interop/.npmrc sets ignore-scripts: nothing is compiled (fox-wamp's sqlite3 is never loaded).
    (cd "$ROOT/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- Configure and build ---------------------------------------------------------------------------------
step "Configure (preset dev: Ninja, RelWithDebInfo, $BUILD_DIR)"
if [[ -f $BUILD_DIR/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$BUILD_DIR/CMakeCache.txt"; then
    echo "build/ was configured with another generator: starting it afresh"
    rm -rf "$BUILD_DIR/CMakeCache.txt" "$BUILD_DIR/CMakeFiles"
fi
cmake --preset dev

step "Build (-j${BUILD_JOBS:-$(nproc)})"
cmake --build --preset dev -j "${BUILD_JOBS:-$(nproc)}"
echo "built in $((SECONDS - T0)) s since start"

# --- run ---------------------------------------------------------------------------------------------------
if [[ $MODE == run ]]; then
    cli=$BUILD_DIR/app/wampscope-cli
    gui=$BUILD_DIR/app/wampscope
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]] || [[ ! -x $gui ]]; then
        if [[ ! -x $gui ]]; then
            echo "No GUI binary ($gui): starting the built-in router headless (wampscope-cli router)"
        else
            echo "No display found: starting the built-in router headless (wampscope-cli router)"
        fi
        echo "Router: ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm realm1 (anonymous). Stop it with Ctrl+C."
        exec "$cli" router "$@"
    fi
    echo "Starting $gui (built-in router on ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm realm1)"
    exec "$gui" "$@"
fi

# --- test --------------------------------------------------------------------------------------------------
step "Test (ctest -j${CTEST_JOBS:-2})"
log=$BUILD_DIR/ctest-bootstrap.log
set +e
# --timeout caps only tests without a TIMEOUT property; --no-tests=error: running nothing is a failure.
# shellcheck disable=SC2086
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "${CTEST_JOBS:-2}" --timeout 600 --no-tests=error \
    ${CTEST_ARGS:-} 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

total=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log" || true)
passed=$(grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log" | grep -cE ' Passed +[0-9.]+ sec' || true)
skipped=$(grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log" | grep -cE '\*\*\*Skipped| Skipped ' || true)
failed=$((total - passed - skipped))
echo
echo "bootstrap.sh test: $total tests in $((SECONDS - T0)) s (build log: $BUILD_DIR, test log: $log)"
if [[ $rc -ne 0 || $failed -ne 0 ]]; then
    echo "FAILED (ctest exit code $rc):"
    grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log" | grep -vE ' Passed +[0-9.]+ sec|\*\*\*Skipped| Skipped ' || true
    echo "summary: $passed passed, $failed failed, $skipped skipped"
    [[ $rc -ne 0 ]] || rc=1
    exit "$rc"
fi
echo "summary: $passed passed, $failed failed, $skipped skipped"
