import { errorLike } from '@tokenguard/test-support/errors'
import { oauthErrorHandler, type Store } from '@tokenguard/core'
import { introspectionBearer } from '@tokenguard/introspect'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import {
  createDpopClient,
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type DpopClient,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve, type LocalServer } from '@tokenguard/test-support/serve'
import { dpop, DEFAULT_DPOP_ALGORITHMS, type DpopOptions } from '../src/index.js'

const ORIGIN = 'https://api.test'
const ALGS = DEFAULT_DPOP_ALGORITHMS.join(' ')
let issuer: TestIssuer
let running: RunningIssuer
let client: DpopClient
let other: DpopClient

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] })
  running = await issuer.listen()
  client = await createDpopClient()
  other = await createDpopClient({ alg: 'EdDSA' })
})

afterAll(async () => {
  await running.close()
})

async function start(options: DpopOptions = {}, framework = frameworks[0]!): Promise<LocalServer> {
  const verifier = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience })
  const middleware = jwtBearer({
    verifier,
    realm: 'api',
    dpop: dpop({ publicOrigin: ORIGIN, ...options }),
  })
  return serve(framework.app([middleware, echoAuth], [oauthErrorHandler()]))
}

async function call(app: LocalServer, token: string, proof?: string | string[], scheme = 'DPoP') {
  const req = request(app.url).get('/api/pets?limit=5').set('Authorization', `${scheme} ${token}`)
  // An array is sent as one DPoP header line per value.
  return proof === undefined ? req : req.set('DPoP', proof as string)
}

const boundToken = (key = client) => issuer.sign({ scope: 'pets:read', cnf: { jkt: key.jkt } })
const proofFor = (token: string, key = client, nonce?: string) =>
  key.proof({
    method: 'GET',
    url: `${ORIGIN}/api/pets`,
    accessToken: token,
    ...(nonce === undefined ? {} : { nonce }),
  })

describe.each(frameworks)('dpop() in required mode under $name', (framework) => {
  it('accepts a bound token with a fresh proof of its key, as scheme dpop', async () => {
    const app = await start({}, framework)
    onTestFinished(() => app.close())
    const token = await boundToken()
    const res = await call(app, token, await proofFor(token))
    expect(res.status).toBe(200)
    expect(res.body.auth).toMatchObject({ scheme: 'dpop', scopes: ['pets:read'] })
  })

  it('refuses a replayed proof', async () => {
    const app = await start({}, framework)
    onTestFinished(() => app.close())
    const token = await boundToken()
    const proof = await proofFor(token)
    expect((await call(app, token, proof)).status).toBe(200)
    const replay = await call(app, token, proof)
    expect(replay.status).toBe(401)
    expect(replay.headers['www-authenticate']).toBe(
      `DPoP realm="api", error="invalid_dpop_proof", error_description="The DPoP proof was already used", algs="${ALGS}"`,
    )
  })
})

describe('dpop() in required mode', () => {
  let app: LocalServer
  beforeAll(async () => {
    app = await start()
  })
  afterAll(async () => {
    await app.close()
  })

  it('refuses every broken kind of proof with invalid_dpop_proof', async () => {
    const token = await boundToken()
    const broken = await client.brokenProofs({
      method: 'GET',
      url: `${ORIGIN}/api/pets`,
      accessToken: token,
    })
    const answers: Record<string, string> = {}
    for (const { name, proof } of broken) {
      const res = await call(app, token, proof)
      answers[name] =
        `${res.status} ${/error="([^"]+)"/.exec(res.headers['www-authenticate'] ?? '')?.[1]}`
    }
    expect(Object.keys(answers).length).toBeGreaterThanOrEqual(15)
    expect(answers).toEqual(
      Object.fromEntries(Object.keys(answers).map((name) => [name, '401 invalid_dpop_proof'])),
    )
  })

  it('answers a request with no credentials with a bare DPoP challenge naming the algorithms', async () => {
    const res = await request(app.url).get('/api/pets')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`DPoP realm="api", algs="${ALGS}"`)
  })

  it('treats a Bearer token as no credentials, bound or not', async () => {
    const res = await call(app, await boundToken(), undefined, 'Bearer')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(`DPoP realm="api", algs="${ALGS}"`)
  })

  it('refuses a DPoP request without a proof, and one with two proofs', async () => {
    const token = await boundToken()
    const none = await call(app, token)
    expect(none.headers['www-authenticate']).toContain(
      'error_description="The request has no DPoP proof"',
    )
    const two = await call(app, token, [await proofFor(token), await proofFor(token)])
    expect(two.status).toBe(401)
    expect(two.headers['www-authenticate']).toContain('error="invalid_dpop_proof"')
  })

  it('refuses an unbound token sent under the DPoP scheme', async () => {
    const token = await issuer.sign()
    const res = await call(app, token, await proofFor(token))
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      `DPoP realm="api", error="invalid_token", error_description="The access token is not DPoP-bound", algs="${ALGS}"`,
    )
  })

  it("refuses a proof by another client's key", async () => {
    const token = await boundToken(client)
    const res = await call(app, token, await proofFor(token, other))
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toContain('not the key the token is bound to')
  })

  it('refuses a proof made for another access token', async () => {
    const token = await boundToken()
    const res = await call(app, token, await proofFor(await boundToken()))
    expect(res.headers['www-authenticate']).toContain('does not cover this access token')
  })

  it('ignores the query when matching htu, but not the path', async () => {
    const token = await boundToken()
    const withQuery = await client.proof({
      method: 'GET',
      url: `${ORIGIN}/api/pets?limit=5#x`,
      accessToken: token,
    })
    expect((await call(app, token, withQuery)).status).toBe(200)
    const otherPath = await client.proof({
      method: 'GET',
      url: `${ORIGIN}/api/owners`,
      accessToken: token,
    })
    expect((await call(app, token, otherPath)).status).toBe(401)
  })

  it('still answers an invalid token with invalid_token under the DPoP scheme', async () => {
    const token = await issuer.sign({
      cnf: { jkt: client.jkt },
      exp: Math.floor(Date.now() / 1000) - 600,
    })
    const res = await call(app, token, await proofFor(token))
    expect(res.headers['www-authenticate']).toBe(
      `DPoP realm="api", error="invalid_token", error_description="The access token expired", algs="${ALGS}"`,
    )
  })
})

describe('dpop() in allowed (mixed) mode', () => {
  let app: LocalServer
  beforeAll(async () => {
    app = await start({ mode: 'allowed' })
  })
  afterAll(async () => {
    await app.close()
  })

  it('accepts an unbound bearer token and a bound DPoP token', async () => {
    expect((await call(app, await issuer.sign(), undefined, 'Bearer')).body.auth.scheme).toBe(
      'bearer',
    )
    const token = await boundToken()
    expect((await call(app, token, await proofFor(token))).body.auth.scheme).toBe('dpop')
  })

  it('refuses a bound token sent as a bearer token (RFC 9449 §7.2)', async () => {
    const res = await call(app, await boundToken(), undefined, 'Bearer')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="invalid_token", error_description="This access token is DPoP-bound: send it with the DPoP scheme and a proof", DPoP realm="api", algs="${ALGS}"`,
    )
  })

  it('offers both schemes when no credentials are sent', async () => {
    const res = await request(app.url).get('/api/pets')
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="api", DPoP realm="api", algs="${ALGS}"`,
    )
  })

  it('answers a bad proof with the DPoP challenge first and the Bearer one after', async () => {
    const token = await boundToken()
    const res = await call(
      app,
      token,
      await client.proof({ method: 'POST', url: `${ORIGIN}/api/pets`, accessToken: token }),
    )
    expect(res.headers['www-authenticate']).toBe(
      `DPoP realm="api", error="invalid_dpop_proof", error_description="The DPoP proof was made for another HTTP method", algs="${ALGS}", Bearer realm="api"`,
    )
  })
})

describe('dpop() with server nonces', () => {
  it('asks for its nonce with use_dpop_nonce, then accepts proofs that carry it', async () => {
    const app = await start({ nonce: { secret: 'a-shared-nonce-secret-0123456789' } })
    onTestFinished(() => app.close())
    const token = await boundToken()
    const first = await call(app, token, await proofFor(token))
    expect(first.status).toBe(401)
    expect(first.headers['www-authenticate']).toBe(
      `DPoP realm="api", error="use_dpop_nonce", error_description="The DPoP proof must carry the nonce of the DPoP-Nonce header", algs="${ALGS}"`,
    )
    const nonce = first.headers['dpop-nonce']
    expect(nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/)
    const second = await call(app, token, await proofFor(token, client, nonce))
    expect(second.status).toBe(200)
    expect(second.headers['dpop-nonce']).toBe(nonce)
    const forged = await call(
      app,
      token,
      await proofFor(token, client, `${nonce!.split('.')[0]}.${'A'.repeat(22)}`),
    )
    expect(forged.body.error).toBe('use_dpop_nonce')
  })
})

describe('dpop() replay store', () => {
  it('fails closed with 503 when the replay store cannot answer', async () => {
    const broken: Store<true> = {
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      delete: () => Promise.reject(new Error('down')),
      setIfAbsent: () => Promise.reject(new Error('down')),
    }
    const app = await start({ replayStore: broken })
    onTestFinished(() => app.close())
    const token = await boundToken()
    const res = await call(app, token, await proofFor(token))
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toBe('5')
  })

  it('fails at start-up on a store without setIfAbsent', () => {
    const store = {
      get: () => Promise.resolve(undefined),
      set: () => Promise.resolve(),
      delete: () => Promise.resolve(),
    }
    expect(() => dpop({ publicOrigin: ORIGIN, replayStore: store })).toThrow(
      errorLike(TypeError, /setIfAbsent/),
    )
  })
})

describe('dpop() with introspection', () => {
  it('binds an introspected token through cnf.jkt in the introspection response', async () => {
    const middleware = introspectionBearer({
      issuer: issuer.issuer,
      audience: issuer.audience,
      clientAuth: {
        method: 'client_secret_basic',
        clientId: DEFAULT_TEST_CLIENT.client_id,
        clientSecret: DEFAULT_TEST_CLIENT.client_secret ?? '',
      },
      dpop: dpop({ publicOrigin: ORIGIN }),
    })
    const app = await serve(frameworks[0]!.app([middleware, echoAuth], [oauthErrorHandler()]))
    onTestFinished(() => app.close())
    const token = issuer.issueOpaque({ cnf: { jkt: client.jkt }, scope: 'pets:read' })
    const good = await call(app, token, await proofFor(token))
    expect(good.status).toBe(200)
    expect(good.body.auth).toMatchObject({ scheme: 'dpop', source: 'introspection' })
    const stolen = await call(app, token, await proofFor(token, other))
    expect(stolen.status).toBe(401)
  })
})

describe('dpop() configuration', () => {
  it.each([
    ['no origin and no trusted proxy', {}, /give publicOrigin/],
    [
      'a typo',
      { publicOrigin: ORIGIN, mdoe: 'required' },
      /unknown option "mdoe". Did you mean "mode"\?/,
    ],
    ['an unknown mode', { publicOrigin: ORIGIN, mode: 'optional' }, /mode must be/],
    [
      'HS256 among the algorithms',
      { publicOrigin: ORIGIN, algorithms: ['HS256'] },
      /not an asymmetric algorithm/,
    ],
    [
      'a publicOrigin on plain http outside loopback',
      { publicOrigin: 'http://api.example.com' },
      /publicOrigin "http:\/\/api.example.com" must use https: DPoP proofs name the URL clients call \(htu\); http is allowed only for localhost/,
    ],
    [
      'a short nonce secret',
      { publicOrigin: ORIGIN, nonce: { secret: 'short' } },
      /at least 16 bytes/,
    ],
  ])('fails at start-up on %s', (_name, options, message) => {
    expect(() => dpop(options as DpopOptions)).toThrow(message)
  })
})
