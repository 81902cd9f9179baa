import { spawn } from 'node:child_process'
import {
  access,
  constants,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { runCli } from '../src/cli/run-cli.js'
import type { CliIo } from '../src/cli/run-cli.js'
import { basic, postForm } from '@tokenguard/test-support/form-requests'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const NAME = 'tokenguard-mock-authorization-server'
const BIN = fileURLToPath(new URL(`../bin/${NAME}.js`, import.meta.url))
const SECRET = 'cli-client-secret-0123456789abcdefghijkl'
const CONFIG = {
  port: 0,
  algorithms: ['ES256'],
  audience: 'https://petstore.test',
  autoApprove: true,
  subject: 'alice',
  clients: [{ client_id: 'petstore-dev', client_secret: SECRET, scope: 'pets:read' }],
}

/** A `CliIo` that records output and lets the test send the signal. */
function fakeIo(files: Record<string, string> = {}) {
  let out = ''
  let err = ''
  const listeners: (() => void)[] = []
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    signals: { once: (_signal, listener) => listeners.push(listener) },
    readFile: (path) =>
      path in files ? Promise.resolve(files[path]!) : Promise.reject(new Error('ENOENT')),
  }
  return {
    io,
    out: () => out,
    err: () => err,
    signal: () => listeners.forEach((listener) => listener()),
  }
}

describe('runCli', () => {
  it('starts from a config, prints the URLs and a sample token, and stops on a signal', async () => {
    const fake = fakeIo({ 'server.json': JSON.stringify(CONFIG) })
    const exit = runCli(['--config', 'server.json'], fake.io)
    onTestFinished(async () => {
      fake.signal()
      await exit
    })
    await waitFor(() => fake.out().includes('Stop with Ctrl+C.'))
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(fake.out())![1]!
    expect(fake.out()).toContain(`  token                 ${url}/token\n`)
    expect(fake.out()).toContain('  clients               petstore-dev\n')
    expect(fake.out()).toContain(
      'sample access token (sub alice, client_id petstore-dev, scope pets:read, 300 s):',
    )
    const sample = /\):\n(\S+)\n/.exec(fake.out())![1]!
    expect(decodeJwt(sample)).toMatchObject({ iss: url, scope: 'pets:read', sub: 'alice' })
    expect(fake.out()).not.toContain(SECRET)
    const token = await postForm(
      `${url}/token`,
      { grant_type: 'client_credentials' },
      { Authorization: basic('petstore-dev', SECRET) },
    )
    expect(await token.json()).toMatchObject({ scope: 'pets:read', token_type: 'Bearer' })
    fake.signal()
    expect(await exit).toBe(0)
    expect(fake.out()).toMatch(/stopped\n$/)
    await expect(fetch(url)).rejects.toThrow()
  })

  it('runs with the defaults when no config is given, and accepts --config=path', async () => {
    for (const argv of [[], ['--config=empty.json']]) {
      const fake = fakeIo({ 'empty.json': '{}' })
      const exit = runCli(argv, fake.io)
      onTestFinished(async () => {
        fake.signal()
        await exit
      })
      await waitFor(() => fake.out().includes('Stop with Ctrl+C.'))
      expect(fake.out()).toContain('  clients               test-client\n')
      expect(fake.out()).toContain('(sub user-123, client_id test-client, no scope, 300 s)')
      fake.signal()
      expect(await exit).toBe(0)
    }
  })

  it('prints the usage for --help and exits 2 on an unknown argument', async () => {
    const help = fakeIo()
    expect(await runCli(['--help'], help.io)).toBe(0)
    expect(help.out()).toMatch(
      /^usage: tokenguard-mock-authorization-server \[--config server.json\]/,
    )
    const bad = fakeIo()
    expect(await runCli(['--port', '80'], bad.io)).toBe(2)
    expect(bad.err()).toMatch(/^tokenguard-mock-authorization-server: unknown argument "--port"/)
    expect(await runCli(['--config'], fakeIo().io)).toBe(2)
  })

  it('exits 1 with a message that says what to fix, never quoting the file', async () => {
    const cases: [string, string][] = [
      [`{"clients": [{"client_id": "x", "client_secret": "${SECRET}"}], `, 'is not valid JSON'],
      ['[]', 'must hold a JSON object'],
      ['{"prot": 8080}', 'the config file: unknown option "prot". Did you mean "port"?'],
      ['{"autoAprove": true}', 'unknown option "autoAprove". Did you mean "autoApprove"?'],
      [
        '{"clients": [{"client_id": "x", "client_secert": "s"}]}',
        'unknown option "client_secert". Did you mean "client_secret"?',
      ],
      ['{"port": "80"}', 'port must be a number'],
      ['{"port": 70000}', 'port must be an integer from 0 to 65535'],
      ['{"clients": [{"client_id": "x"}]}', 'give the client a client_secret'],
    ]
    for (const [text, message] of cases) {
      const fake = fakeIo({ 'server.json': text })
      expect(await runCli(['--config', 'server.json'], fake.io)).toBe(1)
      expect(fake.err()).toContain(message)
      expect(fake.err()).not.toContain(SECRET)
    }
    const missing = fakeIo()
    expect(await runCli(['--config', 'nowhere.json'], missing.io)).toBe(1)
    expect(missing.err()).toBe(`${NAME}: cannot read the config file nowhere.json\n`)
  })
})

describe('the tokenguard-mock-authorization-server bin', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenguard-cli-'))
  })

  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('is declared in package.json and points at a committed, executable shim', async () => {
    const pkg = JSON.parse(
      await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { bin: Record<string, string>; files: string[] }
    expect(pkg.bin).toEqual({ [NAME]: `bin/${NAME}.js` })
    expect(pkg.files).toContain('bin')
    // pnpm links a bin at install time, before any build: its target must exist then.
    await expect(access(BIN, constants.X_OK)).resolves.toBeUndefined()
    expect((await readFile(BIN, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('starts from source in the repository, serves discovery, and stops on SIGTERM', async () => {
    const config = join(dir, 'server.json')
    await writeFile(config, JSON.stringify(CONFIG))
    const child = spawn(process.execPath, [BIN, '--config', config], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    await waitFor(() => /listening on http/.test(out) || child.exitCode !== null, 15_000)
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
    expect(url, err).toBeDefined()
    const discovery = await fetch(`${url!}/.well-known/openid-configuration`)
    expect(await discovery.json()).toMatchObject({
      issuer: url,
      token_endpoint: `${url!}/token`,
      code_challenge_methods_supported: ['S256'],
    })
    child.kill('SIGTERM')
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref()),
    ])
    expect(code).toBe(0)
    expect(out).toMatch(/stopped\n$/)
  }, 30_000)

  it('runs the built dist/cli.js when installed from a package, outside the repository', async () => {
    const installed = join(dir, 'node_modules', '@tokenguard', 'mock-authorization-server')
    await mkdir(join(installed, 'bin'), { recursive: true })
    await mkdir(join(installed, 'dist'), { recursive: true })
    await copyFile(BIN, join(installed, 'bin', `${NAME}.js`))
    await writeFile(join(installed, 'package.json'), '{"type": "module"}')
    await writeFile(
      join(installed, 'dist', 'cli.js'),
      'console.log(`built cli ran with ${process.argv.slice(2).join(" ")}`)\n',
    )
    const child = spawn(process.execPath, [join(installed, 'bin', `${NAME}.js`), '--help'], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(out).toBe('built cli ran with --help\n')
  }, 30_000)
})

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
