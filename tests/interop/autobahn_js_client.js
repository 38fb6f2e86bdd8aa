#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Interop: Autobahn|JS (npm autobahn 22.x) clients against a running WAMP router.
//
//   node autobahn_js_client.js --url ws://127.0.0.1:PORT/ws [--serializer json|msgpack] [--timeout 10]
//
// Usually started by autobahn_js_test.py, which starts `wampscope-cli router` first; any WAMP
// router works for development. Env INTEROP_LOG=trace turns on Autobahn's debug log (every
// message). Prints PASS/FAIL lines and "<title>: N passed, N failed"; exit 0 only if all passed,
// 77 when the npm dependencies are missing (tests/interop: npm ci).
'use strict'

const common = require('./interop_common')
const { CheckFailed, expect, deepEq, show } = common

const opt = common.parseArgs(process.argv.slice(2), {
  usage: 'autobahn_js_client.js --url URL [--serializer json|msgpack] [--timeout SECONDS]',
  known: ['url', 'serializer', 'timeout']
})
common.traceIfAsked()
const { autobahn } = common.loadModules('autobahn_js_client.js', ['autobahn'])
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
    conn.onopen = (session) => resolve(session)
    connections.push(conn)
    conn.open()
  }), `${name} join`)
}

async function main () {
  const title = `autobahn-js ${new URL(opt.url).protocol.replace(':', '')}+${opt.serializer}`
  const withBytes = opt.serializer === 'msgpack' // autobahn-js's JSON serializer has no binary convention
  const args = [0, 1, -1, BIG, -BIG, 2 ** 32 + 1, BIG - 1, 'unicode: äöü € 𝄞 日本語', '', true, false, null, 1.5,
    [1, [2, [3, []]]], { x: 3, nested: { y: [1, 'z'] }, empty: {} }]
  if (withBytes) args.push(Buffer.from([0, 1, 2, 0xfe, 0xff]))
  const kwargs = { k: 'v', big: BIG, neg: -BIG, ключ: 'значение', list: [1, 2.25, 'x'], none: null }
  const s = {}

  await check('join (4 sessions, realm1, anonymous)', async () => {
    for (const name of ['subscriber', 'publisher', 'callee', 'caller']) s[name] = await connect(name)
  })
  if (Object.keys(s).length < 4) return finish(title)

  // --- Pub/Sub ------------------------------------------------------------------------------
  const topic = 'com.example.interop.js.topic1'
  const events = []
  let wake = null
  const nextEvent = () => withTimeout(new Promise((resolve) => {
    const poll = () => { if (events.length) resolve(events.shift()); else wake = poll }
    poll()
  }), 'EVENT')

  await check('subscribe', async () => {
    const sub = await withTimeout(s.subscriber.subscribe(topic, (a, kw) => {
      events.push([a || [], kw || {}])
      if (wake) { const w = wake; wake = null; w() }
    }), 'SUBSCRIBED')
    expect(sub.id >= 1 && sub.id <= BIG, `subscription id ${sub.id}`)
  })

  s.publisher.publish(topic, args, kwargs)
  s.publisher.publish(topic, [], { only: 'kwargs' })
  s.publisher.publish(topic)
  for (const [what, ea, ek] of [['args+kwargs', args, kwargs], ['kwargs only', [], { only: 'kwargs' }], ['no payload', [], {}]]) {
    await check(`pubsub: event with ${what} arrives intact and in order`, async () => {
      const [ga, gk] = await nextEvent()
      expect(deepEq(ga, ea) && deepEq(gk, ek), `expected args=${show(ea)} kwargs=${show(ek)}, got args=${show(ga)} kwargs=${show(gk)}`)
    })
  }

  await check('publish acknowledge=true -> PUBLISHED (and EVENT)', async () => {
    const pub = await withTimeout(s.publisher.publish(topic, ['ack'], {}, { acknowledge: true }), 'PUBLISHED')
    expect(Number.isInteger(pub.id) && pub.id >= 1 && pub.id <= BIG, `publication id ${pub.id}`)
    const [ga, gk] = await nextEvent()
    expect(deepEq(ga, ['ack']) && deepEq(gk, {}), `event after acknowledged publish: ${show(ga)} ${show(gk)}`)
  })

  // --- RPC ----------------------------------------------------------------------------------
  const echo = (a, kw) => new autobahn.Result(a || [], kw || {})
  const add2 = (a) => a[0] + a[1]
  const oops = () => { throw new autobahn.Error('com.example.error.oops', [1, 2], { a: 3 }) }

  await check('register x3', async () => {
    for (const [uri, fn] of [['com.example.interop.js.echo', echo], ['com.example.interop.js.add2', add2], ['com.example.interop.js.oops', oops]]) {
      const reg = await withTimeout(s.callee.register(uri, fn), `REGISTERED ${uri}`)
      expect(reg.id >= 1 && reg.id <= BIG, `registration id ${reg.id}`)
    }
  })

  await check(`call echo: args/kwargs intact (ints to +-2^53, unicode${withBytes ? ', bytes' : ''}, nesting)`, async () => {
    const res = await withTimeout(s.caller.call('com.example.interop.js.echo', args, kwargs), 'RESULT')
    expect(res instanceof autobahn.Result && deepEq(res.args, args) && deepEq(res.kwargs, kwargs),
      `sent args=${show(args)} kwargs=${show(kwargs)}; got ${show(res)}`)
  })

  await check('call: single results (5, 2^53 exact)', async () => {
    let res = await withTimeout(s.caller.call('com.example.interop.js.add2', [2, 3]), 'RESULT')
    expect(res === 5, `add2 gave ${show(res)}`)
    res = await withTimeout(s.caller.call('com.example.interop.js.echo', [BIG]), 'RESULT')
    expect(res === BIG, `echo 2^53 gave ${show(res)}`)
  })

  await check('callee autobahn.Error -> caller gets URI, args and kwargs', () =>
    expectError(s.caller.call('com.example.interop.js.oops'), 'com.example.error.oops', [1, 2], { a: 3 }))
  await check('call unknown procedure -> wamp.error.no_such_procedure', () =>
    expectError(s.caller.call('com.example.interop.js.nothing_here'), 'wamp.error.no_such_procedure'))
  await check('second register of the same URI -> wamp.error.procedure_already_exists', () =>
    expectError(s.caller.register('com.example.interop.js.echo', echo), 'wamp.error.procedure_already_exists'))
  await check('sessions usable after the errors', async () => {
    const res = await withTimeout(s.caller.call('com.example.interop.js.add2', [40, 2]), 'RESULT')
    expect(res === 42, `got ${show(res)}`)
  })

  // --- Close --------------------------------------------------------------------------------
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
