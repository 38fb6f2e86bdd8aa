#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Interop: the WAMP meta API seen by Autobahn|JS (npm autobahn 22.x) clients of a running router.
//
//   node autobahn_js_meta_client.js --url ws://127.0.0.1:PORT/ws [--serializer json|msgpack] [--timeout 10]
//
// Started by `autobahn_js_test.py --client autobahn_js_meta_client.js`. Checks wamp.session.on_join/on_leave,
// wamp.session.count/list/get/kill (GOODBYE reason to the victim), subscription and registration meta
// procedures and events, and a testament published on kill, in Crossbar's shapes. Prints PASS/FAIL lines and
// "<title>: N passed, N failed"; exit 0 only if all passed, 77 when the npm dependencies are missing.
'use strict'

const common = require('./interop_common')
const { CheckFailed, expect, deepEq, show } = common

const opt = common.parseArgs(process.argv.slice(2), {
  usage: 'autobahn_js_meta_client.js --url URL [--serializer json|msgpack] [--timeout SECONDS]',
  known: ['url', 'serializer', 'timeout']
})
common.traceIfAsked()
const { autobahn } = common.loadModules('autobahn_js_meta_client.js', ['autobahn'])
const h = common.harness(opt, autobahn)
const { withTimeout, waitUntil, check, expectError, finish, connections, results } = h

// A queue of events per topic: next() resolves with [args, kwargs] of the next event.
function eventQueue () {
  const items = []
  let wake = null
  return {
    push (a, kw) { items.push([a || [], kw || {}]); if (wake) { const w = wake; wake = null; w() } },
    next (what) {
      return withTimeout(new Promise((resolve) => {
        const poll = () => { if (items.length) resolve(items.shift()); else wake = poll }
        poll()
      }), what)
    }
  }
}

function connect (name) {
  return withTimeout(new Promise((resolve, reject) => {
    const serializers = opt.serializer === 'msgpack' ? [new autobahn.serializer.MsgpackSerializer()] : [new autobahn.serializer.JSONSerializer()]
    const conn = new autobahn.Connection({ url: opt.url, realm: 'realm1', serializers, max_retries: 0, retry_if_unreachable: false })
    conn.closed = new Promise((resolve) => {
      conn.onclose = (reason, details) => { resolve(details); reject(new CheckFailed(`${name}: closed before WELCOME: ${reason}`)); return true }
    })
    conn.onopen = (session) => { session.conn = conn; resolve(session) }
    connections.push(conn)
    conn.open()
  }), `${name} join`)
}

async function main () {
  const title = `autobahn-js meta API ${new URL(opt.url).protocol.replace(':', '')}+${opt.serializer}`
  const s = {}
  await check('join observer + alice', async () => {
    s.observer = await connect('observer')
    s.alice = await connect('alice')
  })
  if (!s.alice) return finish(title)
  const obs = s.observer
  const q = {}
  await check('subscribe to the meta events', async () => {
    for (const topic of ['com.example.js.testament', 'wamp.session.on_join', 'wamp.session.on_leave',
      'wamp.subscription.on_create', 'wamp.registration.on_register']) {
      q[topic] = eventQueue()
      await withTimeout(obs.subscribe(topic, (a, kw) => q[topic].push(a, kw)), `SUBSCRIBED ${topic}`)
    }
  })

  await check('wamp.session.on_join [details]', async () => {
    s.bob = await connect('bob')
    const [a] = await q['wamp.session.on_join'].next('on_join')
    expect(a.length === 1 && a[0].session === s.bob.id && typeof a[0].authrole === 'string', `on_join ${show(a)}`)
  })
  if (!s.bob) return finish(title)

  await check('wamp.session.count / list / get', async () => {
    const n = await withTimeout(obs.call('wamp.session.count'), 'count')
    expect(n === 3, `count ${show(n)}`)
    const list = await withTimeout(obs.call('wamp.session.list'), 'list')
    expect(show([...list].sort()) === show([obs.id, s.alice.id, s.bob.id].sort()), `list ${show(list)}`)
    const d = await withTimeout(obs.call('wamp.session.get', [s.alice.id]), 'get')
    expect(d.session === s.alice.id && d.authrole === 'anonymous', `get ${show(d)}`)
  })

  await check('subscription meta: on_create, lookup, list_subscribers', async () => {
    const sub = await withTimeout(s.alice.subscribe('com.example.js.topic', () => {}), 'SUBSCRIBED')
    const [a] = await q['wamp.subscription.on_create'].next('on_create')
    expect(a[0] === s.alice.id && a[1].id === sub.id && a[1].uri === 'com.example.js.topic' && a[1].match === 'exact', `on_create ${show(a)}`)
    expect(await withTimeout(obs.call('wamp.subscription.lookup', ['com.example.js.topic']), 'lookup') === sub.id, 'lookup')
    const who = await withTimeout(obs.call('wamp.subscription.list_subscribers', [sub.id]), 'list_subscribers')
    expect(show(who) === show([s.alice.id]), `list_subscribers ${show(who)}`)
  })

  await check('registration meta: on_register, match, count_callees', async () => {
    const reg = await withTimeout(s.alice.register('com.example.js.proc', () => 1), 'REGISTERED')
    const [a] = await q['wamp.registration.on_register'].next('on_register')
    expect(show(a) === show([s.alice.id, reg.id]), `on_register ${show(a)}`)
    expect(await withTimeout(obs.call('wamp.registration.match', ['com.example.js.proc']), 'match') === reg.id, 'match')
    expect(await withTimeout(obs.call('wamp.registration.count_callees', [reg.id]), 'count_callees') === 1, 'count_callees')
  })

  await check('add_testament + wamp.session.kill: reason to the victim, testament, on_leave [session]', async () => {
    const aliceId = s.alice.id // Autobahn forgets it once the session is closed
    await withTimeout(s.alice.call('wamp.session.add_testament', ['com.example.js.testament', ['bye'], {}]), 'add_testament')
    await withTimeout(obs.call('wamp.session.kill', [aliceId], { reason: 'com.example.kicked', message: 'out' }), 'kill')
    const details = await withTimeout(s.alice.conn.closed, 'victim closed')
    expect(details && details.reason === 'com.example.kicked', `victim close details ${show(details)}`)
    const [t] = await q['com.example.js.testament'].next('testament')
    expect(show(t) === show(['bye']), `testament ${show(t)}`)
    const [l] = await q['wamp.session.on_leave'].next('on_leave')
    expect(l[0] === aliceId, `on_leave ${show(l)}, alice was ${aliceId}`)
  })

  await check('wamp.session.get unknown -> wamp.error.no_such_session', async () => {
    try {
      await withTimeout(obs.call('wamp.session.get', [4242]), 'get')
    } catch (e) {
      expect(e instanceof autobahn.Error && e.error === 'wamp.error.no_such_session', `got ${show(e && e.error)}`)
      return
    }
    throw new CheckFailed('expected wamp.error.no_such_session')
  })
  return finish(title)
}

h.run('autobahn-js meta', main)
