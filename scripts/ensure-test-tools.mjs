#!/usr/bin/env node
// Makes sure the programs the tests run for real are on PATH before the tests start:
// `redis-server` (the tests of @tokenguard/store-redis and DPoP replay across instances start a
// real Redis on 127.0.0.1; no mock stands in for it) and `chromium` (the PetStore's browser
// tests drive Debian's Chromium through playwright-core, which never downloads a browser).
// What is missing is installed from Debian's packages with one apt-get (through sudo when not
// root). Exits non-zero with a message saying what to do when it cannot.
//
//   node scripts/ensure-test-tools.mjs

import { spawnSync } from 'node:child_process'
import process from 'node:process'

const TOOLS = [
  {
    command: 'redis-server',
    versionArgs: ['--version'],
    debian: 'redis-server',
    hint: 'Install Redis 6.2 or later so that `redis-server` is on PATH, e.g. `sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install redis` (macOS).',
  },
  {
    command: 'chromium',
    versionArgs: ['--version'],
    debian: 'chromium',
    hint: 'Install Chromium so that `chromium` is on PATH, e.g. `sudo apt-get install chromium` (Debian), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  },
]

function log(line) {
  process.stdout.write(`ensure-test-tools: ${line}\n`)
}

function versionOf(tool) {
  const command =
    tool.command === 'chromium' ? (process.env.CHROMIUM_PATH ?? 'chromium') : tool.command
  const result = spawnSync(command, tool.versionArgs, { encoding: 'utf8', timeout: 30_000 })
  return result.status === 0 ? result.stdout.trim().split('\n')[0] : undefined
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

function fail(message, tools) {
  process.stderr.write(`ensure-test-tools: ${message}\n${tools.map((t) => t.hint).join('\n')}\n`)
  process.exit(1)
}

const missing = []
for (const tool of TOOLS) {
  const version = versionOf(tool)
  if (version === undefined) missing.push(tool)
  else log(version)
}
if (missing.length === 0) process.exit(0)

const names = missing.map((tool) => tool.command).join(', ')
if (process.platform !== 'linux' || !has('apt-get')) {
  fail(`${names} not on PATH and apt-get is not available to install it.`, missing)
}
const root = typeof process.getuid === 'function' && process.getuid() === 0
if (!root && !has('sudo')) fail(`${names} not on PATH; installing needs root or sudo.`, missing)
const apt = root ? ['apt-get'] : ['sudo', '-n', 'apt-get']
log(`${names} not on PATH; installing Debian’s ${missing.map((tool) => tool.debian).join(', ')}`)
if (!run(apt[0], [...apt.slice(1), 'update'])) fail('apt-get update failed.', missing)
const packages = missing.map((tool) => tool.debian)
if (!run(apt[0], [...apt.slice(1), 'install', '-y', '--no-install-recommends', ...packages])) {
  fail(`apt-get install ${packages.join(' ')} failed.`, missing)
}
for (const tool of missing) {
  const version = versionOf(tool)
  if (version === undefined)
    fail(`${tool.command} is still not on PATH after apt-get install.`, [tool])
  log(version)
}
