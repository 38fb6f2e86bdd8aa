#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Interop: Autobahn|JS (npm autobahn 22.x) clients exercise the Advanced Profile of a running WAMP router:
// progressive call results, call timeout, cancel, pattern-based registrations and subscriptions, shared
// registrations, subscriber black/white listing, caller and publisher disclosure.
//
//   node autobahn_js_advanced.js --url ws://127.0.0.1:PORT/ws [--serializer json|msgpack] [--timeout 10]
//
// Usually started by `autobahn_js_test.py --client autobahn_js_advanced.js`, which starts `wampscope-cli router`
// first. Env INTEROP_LOG=trace turns on Autobahn's debug log (every
// message). Prints PASS/FAIL lines and "<title>: N passed, N failed"; exit 0 only if all passed,
// 77 when the npm dependencies are missing (tests/interop: npm ci).
'use strict'

const common = require('./interop_common')
const { CheckFailed, expect, deepEq, show } = common

const opt = common.parseArgs(process.argv.slice(2), {
  usage: 'autobahn_js_advanced.js --url URL [--serializer json|msgpack] [--timeout SECONDS]',
  known: ['url', 'serializer', 'timeout']
})
common.traceIfAsked()
const { autobahn } = common.loadModules('autobahn_js_advanced.js', ['autobahn'])
const h = common.harness(opt, autobahn)
const { withTimeout, waitUntil, check, expectError, finish, connections, results } = h

const REALM = 'realm1'
const BIG = 2 ** 53 // 9007199254740992, exact in a double

function connect (name) {
  return withTimeout(new Promise((resolve, reject) => {
    const serializers = opt.serializer === 'msgpack'
      ? [new autobahn.serializer.MsgpackSerializer()]
      : [new autobahn.serializer.JSONSerializer()]
    const conn = new autobahn.Connection({
      url: opt.url, realm: REALM, serializers, max_retries: 0, retry_if_unreachable: false
    })
    conn.closed = new Promise((resolve) => { conn.onclose = (reason, details) => { resolve(reason); reject(new CheckFailed(`${name}: connection closed before WELCOME: ${reason} ${show(details)}`)); return true } })
    conn.onopen = (session, details) => { session.welcome = details || {}; resolve(session) }
    connections.push(conn)
    conn.open()
  }), `${name} join`)
}

function sleep (ms) { return new Promise((resolve) => setTimeout(resolve, ms)) }

async function main () {
  const title = `autobahn-js advanced ${new URL(opt.url).protocol.replace(':', '')}+${opt.serializer}`
  const names = ['callee1', 'callee2', 'caller', 'subscriber', 'publisher']
  const s = {}
  await check('join (5 sessions)', async () => {
    for (const name of names) s[name] = await connect(name)
  })
  if (Object.keys(s).length < names.length) return finish(title)
  const { callee1, callee2, caller, subscriber, publisher } = s

  // --- progressive call results ----------------------------------------------------------------
  await check('progressive call results: 3 progress notifications then the result', async () => {
    await withTimeout(callee1.register('com.example.js.adv.stream', (args, kwargs, details) => {
      if (details.progress) for (let i = 0; i < args[0]; i++) details.progress([i], { step: i })
      return 'done'
    }), 'register')
    const got = []
    const p = caller.call('com.example.js.adv.stream', [3], {}, { receive_progress: true })
    p.then(null, null, (r) => got.push(r))
    const res = await withTimeout(p, 'call')
    expect(res === 'done', `result ${show(res)}`)
    expect(got.length === 3 && got.every((r, i) => deepEq(r.args, [i]) && deepEq(r.kwargs, { step: i })), `progress ${show(got)}`)
  })

  // --- call timeout and cancel (Autobahn|JS callees announce no call_canceling: never INTERRUPTed) ---------
  let interrupts = 0
  const slow = { invoked: 0, answered: 0 } // the slow callee works 1.5 s, then answers
  await check('call timeout: wamp.error.timeout from the router', async () => {
    await withTimeout(callee1.register('com.example.js.adv.slow', () => {
      slow.invoked++
      return sleep(1500).then(() => { slow.answered++; return 'late' })
    }), 'register')
    const t0 = Date.now()
    await expectError(caller.call('com.example.js.adv.slow', [], {}, { timeout: 300 }), 'wamp.error.timeout')
    const elapsed = Date.now() - t0
    expect(elapsed >= 250 && elapsed < 1400, `timed out after ${elapsed} ms (timeout 300 ms)`)
  })
  await check('cancel (kill, callee without call_canceling): wamp.error.canceled, sessions stay', async () => {
    const invoked = slow.invoked
    const p = caller.call('com.example.js.adv.slow')
    await waitUntil(() => slow.invoked > invoked, 'INVOCATION of the call to cancel')
    p.cancel({ mode: 'kill' })
    await expectError(p, 'wamp.error.canceled')
    // The callee's late answer is discarded by the router: wait until it has been sent, then one acknowledged
    // publish of the callee's (same transport, so the router has handled the late YIELD before it).
    await waitUntil(() => slow.answered === slow.invoked, 'the late answers of the slow callee')
    await withTimeout(callee1.publish('com.example.js.adv.barrier', [], {}, { acknowledge: true }), 'callee round trip')
    const res = await withTimeout(caller.call('com.example.js.adv.stream', [0]), 'call')
    expect(res === 'done' && callee1.isOpen && interrupts === 0, 'sessions usable after the cancel')
  })

  // --- pattern-based registrations -------------------------------------------------------------------
  await check('pattern registrations: exact > longest prefix > wildcard, details.procedure', async () => {
    const regs = [['exact', 'com.example.js.adv.pat.a.b', 'exact'], ['prefix-long', 'com.example.js.adv.pat.a', 'prefix'],
      ['prefix-short', 'com.example.js.adv.pat', 'prefix'], ['wildcard', 'com.example.js.adv..x', 'wildcard']]
    for (const [tag, uri, match] of regs) {
      await withTimeout(callee2.register(uri, (args, kwargs, details) => [tag, details.procedure], { match }), `register ${uri}`)
    }
    const cases = [['com.example.js.adv.pat.a.b', 'exact'], ['com.example.js.adv.pat.a.c', 'prefix-long'],
      ['com.example.js.adv.patz', 'prefix-short'], ['com.example.js.adv.q.x', 'wildcard']]
    for (const [uri, tag] of cases) {
      const res = await withTimeout(caller.call(uri), uri)
      const res0 = res && res.args ? res.args : res
      expect(res0[0] === tag && (tag === 'exact' || res0[1] === uri), `call ${uri}: got ${show(res)}`)
    }
  })

  // --- shared registrations -------------------------------------------------------------------------
  await check('shared registrations: roundrobin and last, policy conflict', async () => {
    for (const policy of ['roundrobin', 'last']) {
      const uri = `com.example.js.adv.shared.${policy}`
      const r1 = await withTimeout(callee1.register(uri, () => 'c1', { invoke: policy }), 'register')
      const r2 = await withTimeout(callee2.register(uri, () => 'c2', { invoke: policy }), 'register')
      expect(r1.id === r2.id, `${policy}: registration IDs ${r1.id} vs ${r2.id}`)
      const got = []
      for (let i = 0; i < 4; i++) got.push(await withTimeout(caller.call(uri), 'call'))
      const want = policy === 'roundrobin' ? ['c1', 'c2', 'c1', 'c2'] : ['c2', 'c2', 'c2', 'c2']
      expect(deepEq(got, want), `${policy}: expected ${show(want)}, got ${show(got)}`)
    }
    await expectError(caller.register('com.example.js.adv.shared.roundrobin', () => 'x', { invoke: 'first' }),
      'wamp.error.procedure_exists_with_different_invocation_policy')
  })

  // --- caller disclosure -----------------------------------------------------------------------------
  await check('disclose_me: the callee sees caller and caller_authrole', async () => {
    await withTimeout(callee2.register('com.example.js.adv.who', (args, kwargs, details) => [details.caller || null, details.caller_authrole || null]), 'register')
    const hidden = await withTimeout(caller.call('com.example.js.adv.who'), 'call')
    expect(deepEq(hidden, [null, null]), `without disclose_me: ${show(hidden)}`)
    const shown = await withTimeout(caller.call('com.example.js.adv.who', [], {}, { disclose_me: true }), 'call')
    expect(deepEq(shown, [caller.id, 'anonymous']), `with disclose_me: ${show(shown)} (caller ${caller.id})`)
  })

  // --- pattern subscription, black/white lists, publisher exclusion and disclosure ----------------------
  await check('wildcard subscription: details.topic carries the concrete topic', async () => {
    const got = []
    await withTimeout(subscriber.subscribe('com.example.js.adv..temp', (args, kwargs, details) => got.push([args[0], details.topic]), { match: 'wildcard' }), 'subscribe')
    publisher.publish('com.example.js.adv.room1.temp', [21])
    publisher.publish('com.example.js.adv.room1.humidity', [50])
    await withTimeout(publisher.publish('com.example.js.adv.room2.temp', [19], {}, { acknowledge: true }), 'publish')
    await waitUntil(() => got.length >= 2, 'two wildcard events') // room2 came last: humidity would be here
    expect(deepEq(got, [[21, 'com.example.js.adv.room1.temp'], [19, 'com.example.js.adv.room2.temp']]), `events ${show(got)}`)
  })
  await check('black/white lists (session, authid, authrole), exclude_me, disclose_me', async () => {
    const topic = 'com.example.js.adv.bw'
    const got = { sub: [], pub: [] }
    let publisherSeen = null
    await withTimeout(subscriber.subscribe(topic, (args, kwargs, details) => {
      got.sub.push(args[0])
      if (args[0] === 'disclosed') publisherSeen = details.publisher
    }), 'subscribe')
    await withTimeout(publisher.subscribe(topic, (args) => got.pub.push(args[0])), 'subscribe')
    const sid = subscriber.id
    const pid = publisher.id
    const sends = [['default', {}], ['include-me', { exclude_me: false }], ['exclude-sub', { exclude_me: false, exclude: [sid] }],
      ['eligible-sub', { exclude_me: false, eligible: [sid] }],
      ['both-minus-sub', { exclude_me: false, eligible: [sid, pid], exclude: [sid] }],
      ['eligible-authid', { exclude_me: false, eligible_authid: [subscriber.welcome.authid] }],
      ['exclude-authrole', { exclude_me: false, exclude_authrole: ['anonymous'] }],
      ['disclosed', { disclose_me: true }], ['end', { exclude_me: false, acknowledge: true }]]
    let last
    for (const [marker, options] of sends) last = publisher.publish(topic, [marker], {}, options)
    await withTimeout(last, 'publish')
    await waitUntil(() => got.sub[got.sub.length - 1] === 'end' && got.pub[got.pub.length - 1] === 'end', 'the end markers')
    expect(deepEq(got.sub, ['default', 'include-me', 'eligible-sub', 'eligible-authid', 'disclosed', 'end']), `subscriber got ${show(got.sub)}`)
    expect(deepEq(got.pub, ['include-me', 'exclude-sub', 'both-minus-sub', 'end']), `publisher got ${show(got.pub)}`)
    expect(publisherSeen === pid, `details.publisher ${show(publisherSeen)} (publisher ${pid})`)
  })

  await check('GOODBYE handshake and transport close', async () => {
    const open = connections.filter((c) => c.isOpen)
    expect(open.length === connections.length, `${connections.length - open.length} connections were already closed`)
    for (const c of open) c.close()
    const reasons = await withTimeout(Promise.all(open.map((c) => c.closed)), 'close')
    expect(reasons.every((r) => r === 'closed'), `close reasons ${show(reasons)}`)
  })
  return finish(title)
}

h.run('autobahn-js', main)
