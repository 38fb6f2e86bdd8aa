// SPDX-License-Identifier: GPL-3.0-or-later
// What the Autobahn|JS interop drivers share (the twin of interop_common.py): argument parsing, loading the npm
// packages (exit 77 when `npm ci` has not run), bounded waits (withTimeout, waitUntil), named checks with PASS/FAIL
// lines and the closing "<title>: N passed, N failed" summary that the Python runners parse.
'use strict'

const path = require('path')

class CheckFailed extends Error {}
function expect (cond, detail) { if (!cond) throw new CheckFailed(detail) }

/// `--name value` pairs into an object (`--cra-secret` becomes opt.cra_secret). Defaults: serializer json,
/// timeout 10 (seconds). `known` lists the accepted names (any name when omitted); `required` the names that must
/// be present. Prints `usage` and exits 2 on a bad command line.
function parseArgs (argv, { usage, known, required = ['url'] } = {}) {
  const opt = { serializer: 'json', timeout: 10 }
  const fail = (why) => {
    if (why) console.error(why)
    console.error(`usage: ${usage}`)
    process.exit(2)
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) fail(`unknown argument ${a}`)
    const key = a.slice(2).replace(/-/g, '_')
    if (known && !known.includes(key)) fail(`unknown argument ${a}`)
    if (i + 1 >= argv.length) fail(`${a} needs a value`)
    opt[key] = argv[++i]
  }
  opt.timeout = Number(opt.timeout)
  if (required.some((k) => !opt[k]) || !['json', 'msgpack'].includes(opt.serializer) || !(opt.timeout > 0)) fail()
  return opt
}

/// require() each of `names` from tests/interop/node_modules; exit 77 (skipped) when one is missing.
function loadModules (script, names) {
  const out = {}
  try {
    for (const n of names) out[n] = require(path.join(__dirname, 'node_modules', n))
  } catch (e) {
    console.error(`${script}: cannot load ${names.join('/')} (run "npm ci" in ${__dirname}): ${e.message}`)
    process.exit(77)
  }
  return out
}

/// Env INTEROP_LOG=trace (or debug) turns on Autobahn's debug log (every message).
function traceIfAsked () {
  if (process.env.INTEROP_LOG === 'trace' || process.env.INTEROP_LOG === 'debug') global.AUTOBAHN_DEBUG = true
}

// Deep equality that keeps Buffers (msgpack bin) apart from strings and arrays.
function deepEq (a, b) {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b) || a instanceof Uint8Array || b instanceof Uint8Array) {
    const isBin = (x) => Buffer.isBuffer(x) || x instanceof Uint8Array
    return isBin(a) && isBin(b) && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEq(x, b[i]))
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort()
    const kb = Object.keys(b).sort()
    return deepEq(ka, kb) && ka.every((k) => deepEq(a[k], b[k]))
  }
  return a === b
}

function show (v) {
  const seen = new WeakSet()
  try {
    return JSON.stringify(v, (k, x) => {
      if (x && x.type === 'Buffer' && Array.isArray(x.data)) return `<bytes ${Buffer.from(x.data).toString('hex')}>`
      if (x && typeof x === 'object') {
        if (seen.has(x)) return '<cycle>'
        seen.add(x)
        if (x.constructor && !['Object', 'Array', 'Result', 'Error'].includes(x.constructor.name)) {
          return `<${x.constructor.name}${x.id !== undefined ? ' id=' + x.id : ''}>`
        }
      }
      return x
    })
  } catch (e) {
    return String(v)
  }
}

/// The per-driver state: opt (parseArgs) and the autobahn module. Everything waits at most opt.timeout seconds.
function harness (opt, autobahn) {
  const timeoutMs = opt.timeout * 1000
  const results = { passed: 0, failed: 0 }
  const connections = []

  function withTimeout (promise, what) {
    let timer
    return Promise.race([
      Promise.resolve(promise),
      new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new CheckFailed(`${what}: no answer within ${opt.timeout} s`)), timeoutMs)
      })
    ]).finally(() => clearTimeout(timer))
  }

  /// Resolves once cond() is true (checked every 10 ms), fails the check after opt.timeout seconds.
  function waitUntil (cond, what) {
    return withTimeout(new Promise((resolve) => {
      const poll = () => { if (cond()) resolve(); else setTimeout(poll, 10) }
      poll()
    }), what)
  }

  async function check (name, fn) {
    try {
      await fn()
      results.passed++
      console.log(`PASS ${name}`)
    } catch (e) {
      results.failed++
      if (e instanceof CheckFailed) console.log(`FAIL ${name}: ${e.message}`)
      else if (autobahn && e instanceof autobahn.Error) console.log(`FAIL ${name}: unexpected WAMP error ${e.error} args=${show(e.args)} kwargs=${show(e.kwargs)}`)
      else console.log(`FAIL ${name}: ${e && e.stack ? e.stack : show(e)}`)
    }
  }

  async function expectError (promise, uri, args, kwargs) {
    let res
    try {
      res = await withTimeout(promise, uri)
    } catch (e) {
      if (e instanceof CheckFailed) throw e
      const got = `got ${show(e && e.error)} args=${show(e && e.args)} kwargs=${show(e && e.kwargs)}`
      expect(e instanceof autobahn.Error, `expected autobahn.Error ${uri}, ${got}`)
      expect(e.error === uri, `expected ${uri}; ${got}`)
      if (args !== undefined) expect(deepEq(e.args, args), `expected args ${show(args)}; ${got}`)
      if (kwargs !== undefined) expect(deepEq(e.kwargs, kwargs), `expected kwargs ${show(kwargs)}; ${got}`)
      return
    }
    throw new CheckFailed(`expected error ${uri}, got success ${show(res)}`)
  }

  /// Closes what is still open, prints the summary line, exits 0 only when something passed and nothing failed.
  function finish (title) {
    for (const c of connections) { try { if (c.isOpen) c.close() } catch (e) {} }
    console.log(`${title}: ${results.passed} passed, ${results.failed} failed`)
    process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1)
  }

  /// Runs main(); a driver error or the overall bound (9 x opt.timeout) counts as a failure.
  function run (title, main) {
    const overall = setTimeout(() => {
      console.log(`FAIL overall: the checks did not finish within ${9 * opt.timeout} s`)
      results.failed++
      finish(title)
    }, 9 * timeoutMs)
    overall.unref()
    main().then(() => finish(title), (e) => {
      console.log(`FAIL driver: ${e && e.stack ? e.stack : e}`)
      results.failed++
      finish(title)
    })
  }

  return { timeoutMs, results, connections, withTimeout, waitUntil, check, expectError, finish, run }
}

module.exports = { CheckFailed, expect, parseArgs, loadModules, traceIfAsked, deepEq, show, harness }
