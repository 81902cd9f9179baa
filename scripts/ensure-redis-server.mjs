#!/usr/bin/env node
// Makes sure `redis-server` is on PATH before the tests run: the tests of
// @tokenguard/store-redis start real Redis servers on 127.0.0.1 (no mock stands in for Redis).
// When it is missing, installs Debian's `redis-server` package with apt-get (through sudo
// when not root). Exits non-zero with a message saying what to do when it cannot.
//
//   node scripts/ensure-redis-server.mjs

import { spawnSync } from 'node:child_process'
import process from 'node:process'

const INSTALL_HINT =
  'Install Redis 6.2 or later so that `redis-server` is on PATH, e.g. ' +
  '`sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install redis` (macOS).'

function log(line) {
  process.stdout.write(`ensure-redis-server: ${line}\n`)
}

function redisServerVersion() {
  const result = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : undefined
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function run(command, args) {
  log([command, ...args].join(' '))
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  return result.status === 0
}

function fail(message) {
  process.stderr.write(`ensure-redis-server: ${message}\n${INSTALL_HINT}\n`)
  process.exit(1)
}

const found = redisServerVersion()
if (found !== undefined) {
  log(found)
  process.exit(0)
}

if (process.platform !== 'linux' || !has('apt-get')) {
  fail('redis-server is not on PATH and apt-get is not available to install it.')
}
const root = typeof process.getuid === 'function' && process.getuid() === 0
if (!root && !has('sudo')) {
  fail('redis-server is not on PATH; installing it needs root or sudo.')
}
const apt = root ? ['apt-get'] : ['sudo', '-n', 'apt-get']
log('redis-server is not on PATH; installing Debian’s redis-server')
if (!run(apt[0], [...apt.slice(1), 'update'])) fail('apt-get update failed.')
if (!run(apt[0], [...apt.slice(1), 'install', '-y', '--no-install-recommends', 'redis-server'])) {
  fail('apt-get install redis-server failed.')
}
const installed = redisServerVersion()
if (installed === undefined) fail('redis-server is still not on PATH after apt-get install.')
log(installed)
