import { errorLike } from '@tokenguard/test-support/errors'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
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
      ['--conditions=@tokenguard/source', '--import', 'tsx', 'src/main.ts'],
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
          if (stdout.includes('Ctrl+C stops every server.')) {
            clearTimeout(timer)
            resolve()
          }
        }
        child.stdout.on('data', check)
        void exited.then(() => reject(new Error(`exited early: ${stderr}`)))
      })
      // Runs each printed command once: the DPoP proof among them works only once.
      const results = await runPrintedCommands(stdout)
      expect(results.length).toBe(9)
      for (const [expected, actual] of results) expect(actual).toBe(expected)
      const dpopCommand = /^# expect 201: .*DPoP-bound.*\n(curl .*)$/m.exec(stdout)?.[1] ?? ''
      const { headers } = parseCurl(dpopCommand)
      expect(headers.authorization).toMatch(/^DPoP ey/)
      expect(headers.dpop).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/)
      expect(stdout).toContain('# DPoP (RFC 9449)')
      // The metadata names the API as the resource and the local issuer as its server.
      const origin = /^PetStore API: (\S+) /m.exec(stdout)?.[1]
      const issuer = /^Authorization server \(.*\): (\S+)$/m.exec(stdout)?.[1]
      // The banner's order: the web app and its demo user, the CLI, then the curl lines.
      const order = [
        'PetStore web app: open http',
        'demo user "alice"',
        'petstore login',
        '# expect 200',
      ]
      const at = order.map((text) => stdout.indexOf(text))
      expect(at.every((index) => index >= 0)).toBe(true)
      expect([...at].sort((a, b) => a - b)).toEqual(at)
      const webUrl = /^PetStore web app: open (\S+)$/m.exec(stdout)?.[1] ?? ''
      expect((await fetch(webUrl)).status).toBe(200)
      const metadataCommand = /^# expect 200: .*metadata.*\n(curl .*)$/m.exec(stdout)?.[1] ?? ''
      const metadata = await fetch(parseCurl(metadataCommand).url)
      expect(await metadata.json()).toMatchObject({
        resource: origin,
        authorization_servers: [issuer],
      })
      // The opaque token's line is among them, and its token is not a JWT.
      const opaque = /^# expect 200: .*opaque.*\ncurl .*Bearer ([^"]+)"$/m.exec(stdout)?.[1]
      expect(opaque).toMatch(/^[\w-]{20,}$/)
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
      const results = await runPrintedCommands(formatCurlExamples(curlExamples(petstore)))
      expect(results.map(([, actual]) => actual)).toEqual([
        200, 200, 201, 201, 200, 403, 401, 201, 200,
      ])
      expect(petstore.introspector).toBeDefined()
    } finally {
      await petstore.close()
    }
  })

  it("mints for the API's own origin, and serves metadata naming it and the local issuer", async () => {
    const petstore = await startPetstore({ port: 0 })
    try {
      expect(petstore.publicOrigin).toBe(petstore.url)
      expect(petstore.audience).toBe(petstore.url)
      expect(petstore.resourceMetadataUrl).toBe(
        `${petstore.url}/.well-known/oauth-protected-resource`,
      )
      const res = await fetch(petstore.resourceMetadataUrl ?? '')
      expect(await res.json()).toMatchObject({
        resource: petstore.url,
        authorization_servers: [petstore.issuer],
      })
      const refused = await fetch(`${petstore.url}/api/pets`)
      expect(refused.headers.get('www-authenticate')).toContain(
        `resource_metadata="${petstore.resourceMetadataUrl}"`,
      )
    } finally {
      await petstore.close()
    }
  })

  it('accepts its DPoP token with the printed proof once, and with fresh proofs after', async () => {
    const petstore = await startPetstore({ port: 0 })
    try {
      const { token, proof, client } = petstore.dpop ?? expect.fail('no DPoP demo')
      const adopt = (dpopProof: string, petId: number): Promise<Response> =>
        fetch(`${petstore.url}/api/adoptions`, {
          method: 'POST',
          headers: {
            authorization: `DPoP ${token}`,
            dpop: dpopProof,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ petId }),
        })
      expect((await adopt(proof, 2)).status).toBe(201)
      const replay = await adopt(proof, 1)
      expect(replay.status).toBe(401)
      expect(await replay.json()).toEqual({
        error: 'invalid_dpop_proof',
        error_description: 'The DPoP proof was already used',
      })
      const url = `${petstore.url}/api/adoptions`
      const fresh = await client.proof({ method: 'POST', url, accessToken: token })
      expect((await adopt(fresh, 1)).status).toBe(201)
    } finally {
      await petstore.close()
    }
  })

  it('makes its DPoP proof and audience for the public origin it is given', async () => {
    const publicOrigin = 'https://petstore.example.com'
    const petstore = await startPetstore({ port: 0, publicOrigin: `${publicOrigin}/` })
    try {
      expect(petstore.publicOrigin).toBe(publicOrigin)
      expect(petstore.audience).toBe(publicOrigin)
      expect(petstore.resourceMetadataUrl).toBe(
        `${publicOrigin}/.well-known/oauth-protected-resource`,
      )
      const { token, proof } = petstore.dpop ?? expect.fail('no DPoP demo')
      const claims = JSON.parse(Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString())
      expect(claims.htu).toBe(`${publicOrigin}/api/adoptions`)
      // What a proxy for the public origin forwards to the listening address.
      const res = await fetch(`${petstore.url}/api/adoptions`, {
        method: 'POST',
        headers: {
          authorization: `DPoP ${token}`,
          dpop: proof,
          'content-type': 'application/json',
        },
        body: '{"petId":2}',
      })
      expect(res.status).toBe(201)
    } finally {
      await petstore.close()
    }
  })

  it('serves no metadata when the audience cannot name a resource', async () => {
    const petstore = await startPetstore({ port: 0, audience: 'urn:petstore' })
    try {
      expect(petstore.resourceMetadataUrl).toBeUndefined()
      const res = await fetch(`${petstore.url}/.well-known/oauth-protected-resource`)
      expect(res.status).toBe(404)
      expect(formatCurlExamples(curlExamples(petstore))).not.toContain('.well-known')
    } finally {
      await petstore.close()
    }
  })

  it('throws a TypeError, before listening, when publicOrigin has a path', async () => {
    const before = listeningServers()
    await expect(
      startPetstore({ port: 0, publicOrigin: 'https://api.example.com/petstore' }),
    ).rejects.toThrow(
      errorLike(TypeError, /^petstore: publicOrigin must be an http\(s\) origin without a path/),
    )
    expect(listeningServers()).toBe(before)
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
    ).rejects.toThrow(errorLike(TypeError, /^petstore: introspectionClient needs issuer/))
  })

  it('rejects with a message naming PORT when the port is taken, and leaves no issuer running', async () => {
    const first = await startPetstore({ port: 0 })
    const port = Number(new URL(first.url).port)
    const before = listeningServers()
    try {
      await expect(startPetstore({ port })).rejects.toThrow(
        errorLike(Error, /^port \d+ on 127\.0\.0\.1 is in use: .* set PORT to another port/),
      )
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
      ).toThrow(
        errorLike(
          TypeError,
          /^petstore: give jwt either a verifier or verifier options \(issuer\), not both$/,
        ),
      )
    } finally {
      await local.running.close()
    }
  })
})

describe('curlExamples', () => {
  const realIssuer = {
    publicOrigin: 'https://api.example.com',
    tokens: undefined,
    dpop: undefined,
    resourceMetadataUrl: undefined,
  }

  it('reads the token from $TOKEN and promises no status when no tokens were minted', () => {
    const text = formatCurlExamples(curlExamples(realIssuer))
    expect(text).toContain('-H "Authorization: Bearer $TOKEN"')
    expect(text).not.toContain('expect')
    expect(text).not.toContain('DPoP')
  })

  it('fetches the metadata at the public origin, at the path of its URL', () => {
    const text = formatCurlExamples(
      curlExamples({
        ...realIssuer,
        resourceMetadataUrl: 'https://api.example.com/.well-known/oauth-protected-resource/v1',
      }),
    )
    expect(text).toContain(
      '\ncurl -i https://api.example.com/.well-known/oauth-protected-resource/v1\n',
    )
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
    expect(readConfig({ PORT: '', ISSUER: ' ', AUDIENCE: '', PUBLIC_ORIGIN: '' })).toEqual({})
  })

  it('reads PUBLIC_ORIGIN as an origin, without a trailing slash', () => {
    expect(readConfig({ PUBLIC_ORIGIN: 'https://api.example.com/' })).toEqual({
      publicOrigin: 'https://api.example.com',
    })
  })

  it.each(['api.example.com', 'ftp://api.example.com', 'https://api.example.com/v1'])(
    'throws a message naming PUBLIC_ORIGIN for PUBLIC_ORIGIN=%s',
    (value) => {
      expect(() => readConfig({ PUBLIC_ORIGIN: value })).toThrow(
        errorLike(
          Error,
          /^PUBLIC_ORIGIN must be the origin clients call, such as https:\/\/api\.example\.com/,
        ),
      )
    },
  )

  it.each(['abc', '-1', '70000', '80.5'])('throws a message naming PORT for PORT=%s', (port) => {
    expect(() => readConfig({ PORT: port })).toThrow(
      errorLike(Error, /^PORT must be a port number/),
    )
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
    ).toThrow(
      errorLike(
        Error,
        /^INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET are needed together/,
      ),
    )
  })

  it('throws a message naming ISSUER when introspection credentials come without it', () => {
    expect(() =>
      readConfig({ INTROSPECTION_CLIENT_ID: 'petstore', INTROSPECTION_CLIENT_SECRET: 's3cret' }),
    ).toThrow(
      errorLike(Error, /^INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET go with ISSUER/),
    )
  })

  it('throws a message naming AUDIENCE when ISSUER is set without it', () => {
    expect(() => readConfig({ ISSUER: 'https://login.example.com/' })).toThrow(
      errorLike(Error, /^AUDIENCE is required with ISSUER/),
    )
  })
})
