import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/internal/run-cli.js'
import type { CliIo } from '../src/internal/run-cli.js'
import { basic, postForm } from './support/client-requests.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
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
    const fake = fakeIo({ 'issuer.json': JSON.stringify(CONFIG) })
    const exit = runCli(['--config', 'issuer.json'], fake.io)
    await waitFor(() => fake.out().includes('Stop with Ctrl+C.'))
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(fake.out())![1]!
    expect(fake.out()).toContain(`  token                 ${url}/token\n`)
    expect(fake.out()).toContain('  clients               petstore-dev\n')
    expect(fake.out()).toContain('sample access token (sub alice, client_id petstore-dev, 300 s):')
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
      await waitFor(() => fake.out().includes('Stop with Ctrl+C.'))
      expect(fake.out()).toContain('  clients               test-client\n')
      fake.signal()
      expect(await exit).toBe(0)
    }
  })

  it('prints the usage for --help and exits 2 on an unknown argument', async () => {
    const help = fakeIo()
    expect(await runCli(['--help'], help.io)).toBe(0)
    expect(help.out()).toMatch(/^usage: tokenguard-test-issuer \[--config issuer.json\]/)
    const bad = fakeIo()
    expect(await runCli(['--port', '80'], bad.io)).toBe(2)
    expect(bad.err()).toMatch(/^tokenguard-test-issuer: unknown argument "--port"/)
    expect(await runCli(['--config'], fakeIo().io)).toBe(2)
  })

  it('exits 1 with a message that says what to fix, never quoting the file', async () => {
    const cases: [string, string][] = [
      [`{"clients": [{"client_id": "x", "client_secret": "${SECRET}"}], `, 'is not valid JSON'],
      ['[]', 'must hold a JSON object'],
      ['{"prot": 8080}', 'unknown config field "prot"'],
      ['{"port": "80"}', 'port must be a number'],
      ['{"port": 70000}', 'port must be an integer from 0 to 65535'],
      ['{"clients": [{"client_id": "x"}]}', 'give the client a client_secret'],
    ]
    for (const [text, message] of cases) {
      const fake = fakeIo({ 'issuer.json': text })
      expect(await runCli(['--config', 'issuer.json'], fake.io)).toBe(1)
      expect(fake.err()).toContain(message)
      expect(fake.err()).not.toContain(SECRET)
    }
    const missing = fakeIo()
    expect(await runCli(['--config', 'nowhere.json'], missing.io)).toBe(1)
    expect(missing.err()).toBe('tokenguard-test-issuer: cannot read the config file nowhere.json\n')
  })
})

describe('the tokenguard-test-issuer bin', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenguard-cli-'))
  })

  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('is declared in package.json and points at the built cli.js', async () => {
    const pkg = JSON.parse(
      await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { bin: Record<string, string> }
    expect(pkg.bin).toEqual({ 'tokenguard-test-issuer': 'dist/cli.js' })
    expect((await readFile(CLI, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('starts from source with a config file, serves discovery, and stops on SIGTERM', async () => {
    const config = join(dir, 'issuer.json')
    await writeFile(config, JSON.stringify(CONFIG))
    const child = spawn(
      process.execPath,
      ['--conditions=@tokenguard/source', '--import', tsxLoader(), CLI, '--config', config],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
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
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 30_000)
})

// tsx is a dev dependency of the example and the bench, not of this package: take it from
// the first workspace directory that resolves it.
function tsxLoader(): string {
  for (const dir of ['packages/test-tokens', '.', 'examples/petstore', 'bench']) {
    try {
      const path = createRequire(join(ROOT, dir, 'package.json')).resolve('tsx')
      return pathToFileURL(path).href
    } catch {
      // not resolvable from there
    }
  }
  throw new Error('tsx is not installed in the workspace; run pnpm install')
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
