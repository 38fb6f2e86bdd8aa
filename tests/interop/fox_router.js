#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Starts the third-party fox-wamp router (JSON over WebSocket only) on a free loopback port.
// Prints "listening on ws://127.0.0.1:PORT/ws" (flushed) once it accepts connections, like
// `wampscope-cli router`, and stops on SIGTERM/SIGINT; with --exit-on-stdin-eof also when its
// stdin closes (so it never outlives the test driver that started it). Realms are created on
// demand and anyone may join; the tests use "realm1". Env FOX_PORT picks a fixed port.
'use strict'

const path = require('path')

let FoxRouter
try {
  FoxRouter = require(path.join(__dirname, 'node_modules', 'fox-wamp'))
} catch (e) {
  process.stderr.write(`fox_router.js: cannot load fox-wamp (run "npm ci" in ${__dirname}): ${e.message}\n`)
  process.exit(77)
}

const host = '127.0.0.1'
const port = Number(process.env.FOX_PORT || 0)
const router = new FoxRouter()
const server = router.listenWAMP({ host, port, path: '/ws' })

server.on('listening', () => {
  const addr = server.address()
  process.stdout.write(`listening on ws://${host}:${addr.port}/ws\n`)
})
server.on('error', (err) => {
  process.stderr.write(`fox_router.js: ${err.message}\n`)
  process.exit(1)
})

function stop () {
  server.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
if (process.argv.includes('--exit-on-stdin-eof')) {
  process.stdin.on('end', stop)
  process.stdin.on('error', stop)
  process.stdin.resume()
}
