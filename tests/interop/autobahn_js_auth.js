#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Interop: Autobahn|JS (npm autobahn 22.x, tweetnacl) authenticating to a running router.
//
//   node autobahn_js_auth.js --url ws://127.0.0.1:PORT/ws --realm REALM --seed HEX --authid ID --authrole ROLE
//                            [--cra-authid ID --cra-secret SECRET] [--serializer json|msgpack] [--timeout 10]
//
// Started by autobahn_py_auth.py --client js, which writes the router config (the public key of --seed is an
// authorized key of --authid; --cra-authid is a salted WAMP-CRA user). Uses Autobahn's own helpers:
// auth_cryptosign.create_connection() / sign_challenge() and auth_cra.derive_key() / sign().
// Prints PASS/FAIL lines and "<title>: N passed, N failed"; exit 0 only if all passed, 77 without npm packages.
'use strict'

const common = require('./interop_common')
const { CheckFailed, expect } = common

const opt = common.parseArgs(process.argv.slice(2), {
  usage: 'autobahn_js_auth.js --url URL --realm REALM --seed HEX --authid ID [--cra-authid ID --cra-secret S]',
  required: ['url', 'realm', 'seed', 'authid', 'authrole']
})
const { autobahn, tweetnacl: nacl } = common.loadModules('autobahn_js_auth.js', ['autobahn', 'tweetnacl'])
const h = common.harness(opt, autobahn)
const { check } = h

function serializers () {
  return opt.serializer === 'msgpack' ? [new autobahn.serializer.MsgpackSerializer()] : [new autobahn.serializer.JSONSerializer()]
}

/// Opens `conn`; resolves with the session on WELCOME, rejects with "reason" when closed before.
function open (conn) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckFailed(`no WELCOME or ABORT within ${opt.timeout} s`)), opt.timeout * 1000)
    conn.onopen = (session, details) => { clearTimeout(timer); resolve({ session, details }) }
    conn.onclose = (reason, details) => {
      clearTimeout(timer)
      reject(new CheckFailed(`closed: ${details && details.reason ? details.reason : reason}`))
      return true // no retries
    }
    conn.open()
  })
}

function cryptosignConnection (seedHex, authid) {
  const pkey = nacl.sign.keyPair.fromSeed(Buffer.from(seedHex, 'hex'))
  const conn = autobahn.auth_cryptosign.create_connection({
    url: opt.url, realm: opt.realm, authid, pkey, serializers: serializers()
  })
  conn._options.max_retries = 0
  conn._options.retry_if_unreachable = false
  return conn
}

function craConnection (authid, secret) {
  return new autobahn.Connection({
    url: opt.url,
    realm: opt.realm,
    authid,
    authmethods: ['wampcra'],
    serializers: serializers(),
    max_retries: 0,
    retry_if_unreachable: false,
    onchallenge: (session, method, extra) => {
      const key = extra.salt ? autobahn.auth_cra.derive_key(secret, extra.salt, extra.iterations, extra.keylen) : secret
      return autobahn.auth_cra.sign(key, extra.challenge)
    }
  })
}

async function joins (conn, authid, authmethod, authrole) {
  const { session, details } = await open(conn)
  try {
    const got = [details.authid, details.authrole, details.authmethod, details.authprovider]
    const want = [authid, authrole, authmethod, 'static']
    expect(JSON.stringify(got) === JSON.stringify(want),
      `WELCOME (authid, authrole, authmethod, authprovider) = ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
    const proc = `com.example.secure.js.double.${Date.now()}${Math.floor(Math.random() * 1e6)}`
    await session.register(proc, (args) => args[0] * 2)
    const res = await session.call(proc, [21])
    expect(res === 42, `call returned ${JSON.stringify(res)}`)
  } finally {
    session.leave()
  }
}

async function refused (conn, reason) {
  try {
    await open(conn)
  } catch (e) {
    expect(e.message === `closed: ${reason}`, `${e.message}, expected closed: ${reason}`)
    return
  }
  throw new CheckFailed(`joined, expected ABORT ${reason}`)
}

async function main () {
  const title = `autobahn-js auth ws+${opt.serializer}`
  const stranger = Buffer.from(nacl.randomBytes(32)).toString('hex')
  await check('cryptosign (auth_cryptosign.create_connection) with authid',
    () => joins(cryptosignConnection(opt.seed, opt.authid), opt.authid, 'cryptosign', opt.authrole))
  await check('cryptosign without authid (the router finds the user by key)',
    () => joins(cryptosignConnection(opt.seed, undefined), opt.authid, 'cryptosign', opt.authrole))
  await check('cryptosign with an unauthorized key is denied',
    () => refused(cryptosignConnection(stranger, opt.authid), 'wamp.error.authentication_denied'))
  if (opt.cra_authid) {
    await check('salted WAMP-CRA (auth_cra.derive_key)',
      () => joins(craConnection(opt.cra_authid, opt.cra_secret), opt.cra_authid, 'wampcra', 'user'))
    await check('salted WAMP-CRA wrong secret is denied',
      () => refused(craConnection(opt.cra_authid, opt.cra_secret + 'x'), 'wamp.error.authentication_denied'))
  }
  h.finish(title)
}

h.run('autobahn-js auth', main)
