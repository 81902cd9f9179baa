import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { isJwtShaped } from '@tokenguard/introspect'
import { createJwtVerifier } from '@tokenguard/jwt-verify'
import { createPetstoreApp } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { curlExamples, formatCurlExamples } from '../src/curl-commands.js'
import { startPetstore } from '../src/start.js'
import { AUDIENCE, introspectionOptions, parseCurl, startIssuer } from './helpers.js'

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url))

function listeningServers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length
}

/** Runs every printed command with fetch and answers `[expected, actual]` statuses. */
async function runPrintedCommands(output: string): Promise<[number, number][]> {
  const results: [number, number][] = []
  const blocks = [...output.matchAll(/^# expect (\d{3}): .*\n(curl .*)$/gm)]
  for (const [, expected, command] of blocks) {
    const { url, method, headers, body } = parseCurl(command ?? '')
    const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) })
    await res.arrayBuffer()
    results.push([Number(expected), res.status])
  }
  return results
}

describe('main.ts', () => {
  it('can be imported without starting a server', async () => {
    const before = listeningServers()
    const module = await import('../src/main.js')
    expect(typeof module.main).toBe('function')
    expect(listeningServers()).toBe(before)
  })

  it('prints curl commands that answer as printed, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'src/main.ts'],
      {
        cwd: EXAMPLE_DIR,
        env: { ...process.env, PORT: '0', HOST: '', ISSUER: '', AUDIENCE: '', NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no curl commands in 30 s: ${stderr}`)),
          30_000,
        )
        const check = (): void => {
          if (stdout.includes('Ctrl+C stops the server.')) {
            clearTimeout(timer)
            resolve()
          }
        }
        child.stdout.on('data', check)
        void exited.then(() => reject(new Error(`exited early: ${stderr}`)))
      })
      const results = await runPrintedCommands(stdout)
      expect(results.length).toBe(7)
      for (const [expected, actual] of results) expect(actual).toBe(expected)
      // The opaque token's line is among them, and its token is not a JWT.
      const opaque = /^# expect 200: .*opaque.*\ncurl .*Bearer ([^"]+)"$/m.exec(stdout)?.[1]
      expect(opaque).toMatch(/^[\w-]{20,}$/)
      expect(isJwtShaped(opaque ?? '')).toBe(false)
    } finally {
      child.kill('SIGTERM')
    }
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 10_000)),
    ])
    if (code === 'still running') child.kill('SIGKILL')
    expect(code).toBe(0)
    expect(stdout).toContain('stopped')
    expect(stderr).toBe('')
  }, 60_000)
})

describe('startPetstore', () => {
  it('starts the API with a local issuer whose minted tokens it accepts', async () => {
    const petstore = await startPetstore({ port: 0 })
    try {
      expect(petstore.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const results = await runPrintedCommands(
        formatCurlExamples(curlExamples(petstore.url, petstore.tokens)),
      )
      expect(results.map(([, actual]) => actual)).toEqual([200, 200, 201, 201, 200, 403, 401])
      expect(petstore.introspector).toBeDefined()
    } finally {
      await petstore.close()
    }
  })

  it('accepts the tokens of the issuer it is given, and mints none', async () => {
    const local = await startIssuer()
    const petstore = await startPetstore({
      port: 0,
      issuer: local.issuer.issuer,
      audience: local.issuer.audience,
    })
    try {
      expect(petstore.tokens).toBeUndefined()
      expect(petstore.introspector).toBeUndefined()
      const token = await local.issuer.sign({ scope: 'pets:read' })
      const res = await fetch(`${petstore.url}/api/pets`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(res.status).toBe(200)
      // Without introspection credentials an opaque token is just not a valid JWT.
      const opaque = local.issuer.issueOpaque({ scope: 'pets:read' })
      const refused = await fetch(`${petstore.url}/api/pets`, {
        headers: { authorization: `Bearer ${opaque}` },
      })
      expect(refused.status).toBe(401)
    } finally {
      await petstore.close()
      await local.running.close()
    }
  })

  it("introspects the given issuer's opaque tokens at the endpoint its metadata names", async () => {
    const local = await startIssuer()
    const { clientAuth } = introspectionOptions(local)
    if (clientAuth.method !== 'client_secret_basic') throw new Error('unexpected client auth')
    const petstore = await startPetstore({
      port: 0,
      issuer: local.issuer.issuer,
      audience: local.issuer.audience,
      introspectionClient: { clientId: clientAuth.clientId, clientSecret: clientAuth.clientSecret },
    })
    try {
      const call = async (token: string): Promise<number> => {
        const res = await fetch(`${petstore.url}/api/pets`, {
          headers: { authorization: `Bearer ${token}` },
        })
        await res.arrayBuffer()
        return res.status
      }
      expect(await call(local.issuer.issueOpaque({ scope: 'pets:read' }))).toBe(200)
      expect(await call(local.issuer.issueOpaque({ scope: 'pets:write' }))).toBe(403)
      expect(await call(await local.issuer.sign({ scope: 'pets:read' }))).toBe(200)
      expect(local.running.requests('/.well-known/openid-configuration')).toBeGreaterThan(0)
    } finally {
      await petstore.close()
      await local.running.close()
    }
  })

  it('throws a TypeError when introspectionClient is given without issuer', async () => {
    await expect(
      startPetstore({ port: 0, introspectionClient: { clientId: 'api', clientSecret: 's' } }),
    ).rejects.toThrow(/^petstore: introspectionClient needs issuer/)
  })

  it('rejects with the reason when the port is taken, and leaves no issuer running', async () => {
    const first = await startPetstore({ port: 0 })
    const port = Number(new URL(first.url).port)
    const before = listeningServers()
    try {
      await expect(startPetstore({ port })).rejects.toThrow(/EADDRINUSE/)
      // A closed server leaves the list of active handles a tick later.
      await vi.waitFor(() => expect(listeningServers()).toBe(before))
    } finally {
      await first.close()
    }
  })
})

describe('createPetstoreApp', () => {
  it('throws a TypeError at start-up when jwt has both a verifier and verifier options', async () => {
    const local = await startIssuer()
    try {
      const verifier = createJwtVerifier({ issuer: local.issuer.issuer, audience: AUDIENCE })
      expect(() =>
        createPetstoreApp({
          jwt: { verifier, issuer: local.issuer.issuer },
          introspection: introspectionOptions(local),
        }),
      ).toThrow(/^petstore: give jwt either a verifier or verifier options \(issuer\), not both$/)
    } finally {
      await local.running.close()
    }
  })
})

describe('curlExamples', () => {
  it('reads the token from $TOKEN and promises no status when no tokens were minted', () => {
    const text = formatCurlExamples(curlExamples('http://127.0.0.1:3000', undefined))
    expect(text).toContain('-H "Authorization: Bearer $TOKEN"')
    expect(text).not.toContain('expect')
  })
})

describe('readConfig', () => {
  it('uses the local issuer on 127.0.0.1:3000 by default', () => {
    expect(readConfig({})).toEqual({})
  })

  it('reads PORT, HOST, ISSUER and AUDIENCE', () => {
    expect(
      readConfig({
        PORT: '8080',
        HOST: '0.0.0.0',
        ISSUER: 'https://login.example.com/',
        AUDIENCE: 'https://api.example.com',
      }),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      issuer: 'https://login.example.com/',
      audience: 'https://api.example.com',
    })
  })

  it('treats empty variables as unset', () => {
    expect(readConfig({ PORT: '', ISSUER: ' ', AUDIENCE: '' })).toEqual({})
  })

  it.each(['abc', '-1', '70000', '80.5'])('throws a message naming PORT for PORT=%s', (port) => {
    expect(() => readConfig({ PORT: port })).toThrow(/^PORT must be a port number/)
  })

  it('reads INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET with ISSUER, the secret as given', () => {
    expect(
      readConfig({
        ISSUER: 'https://login.example.com/',
        AUDIENCE: 'https://api.example.com',
        INTROSPECTION_CLIENT_ID: ' petstore ',
        INTROSPECTION_CLIENT_SECRET: ' s3cret ',
      }).introspectionClient,
    ).toEqual({ clientId: 'petstore', clientSecret: ' s3cret ' })
  })

  it('throws a message naming both when only one introspection variable is set', () => {
    expect(() =>
      readConfig({
        ISSUER: 'https://login.example.com/',
        AUDIENCE: 'https://api.example.com',
        INTROSPECTION_CLIENT_ID: 'petstore',
        INTROSPECTION_CLIENT_SECRET: ' ',
      }),
    ).toThrow(/^INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET are needed together/)
  })

  it('throws a message naming ISSUER when introspection credentials come without it', () => {
    expect(() =>
      readConfig({ INTROSPECTION_CLIENT_ID: 'petstore', INTROSPECTION_CLIENT_SECRET: 's3cret' }),
    ).toThrow(/^INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET go with ISSUER/)
  })

  it('throws a message naming AUDIENCE when ISSUER is set without it', () => {
    expect(() => readConfig({ ISSUER: 'https://login.example.com/' })).toThrow(
      /^AUDIENCE is required with ISSUER/,
    )
  })
})
