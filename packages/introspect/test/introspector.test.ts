import { generateKeyPairSync } from 'node:crypto'
import { createMemoryStore, OAuthError, type FetchLike, type Store } from '@tokenguard/core'
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import NodeCache from 'node-cache'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  createIntrospector,
  nodeCacheStore,
  type CachedIntrospection,
  type IntrospectorOptions,
} from '../src/index.js'

const ISSUER = 'https://as.test'
const ENDPOINT = 'https://as.test/introspect'
const AUDIENCE = 'https://api.test'

interface Seen {
  url: string
  headers: Record<string, string>
  params: URLSearchParams
}

type Answer = { status?: number; body: unknown } | 'network-error' | 'hang'

/** An injected fetch standing in for the authorization server: the unit under test is the client. */
function fakeServer(answer: (params: URLSearchParams) => Answer, delayMs = 0) {
  const seen: Seen[] = []
  const fetch: FetchLike = async (url, init) => {
    const params = new URLSearchParams(init.body ?? '')
    seen.push({ url, headers: init.headers, params })
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    const result = answer(params)
    if (result === 'network-error') throw new TypeError('fetch failed')
    if (result === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason as Error))
      })
    }
    const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body)
    return new Response(text, { status: result.status ?? 200 })
  }
  return { fetch, seen }
}

function clock(start = Date.now()) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

const nowSec = () => Math.floor(Date.now() / 1000)
const active = (extra: Record<string, unknown> = {}) => ({
  body: {
    active: true,
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    client_id: 'client-1',
    scope: 'pets:read',
    exp: nowSec() + 3_600,
    token_type: 'Bearer',
    ...extra,
  },
})

function introspector(fetch: FetchLike, overrides: Partial<IntrospectorOptions> = {}) {
  return createIntrospector({
    issuer: ISSUER,
    audience: AUDIENCE,
    introspectionEndpoint: ENDPOINT,
    clientAuth: { method: 'client_secret_basic', clientId: 'api', clientSecret: 's3cret' },
    fetch,
    ...overrides,
  })
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'accepted'
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
    return `${error.status} ${error.code ?? '-'} ${error.reason}`
  }
}

describe('createIntrospector', () => {
  it('turns an active response into an AuthContext from introspection', async () => {
    const server = fakeServer(() => active({ scope: 'pets:read pets:write' }))
    const auth = await introspector(server.fetch).introspect('opaque-token-1')
    expect(auth).toMatchObject({
      source: 'introspection',
      issuer: ISSUER,
      subject: 'user-1',
      clientId: 'client-1',
      scopes: ['pets:read', 'pets:write'],
      audience: [AUDIENCE],
    })
    expect(auth.token).toBe('opaque-token-1')
    expect(JSON.stringify(auth)).not.toContain('opaque-token-1')
  })

  it('sends the token with token_type_hint=access_token as a form POST', async () => {
    const server = fakeServer(() => active())
    await introspector(server.fetch).introspect('opaque-token-2')
    expect(server.seen[0]?.url).toBe(ENDPOINT)
    expect(server.seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(server.seen[0]?.params.get('token')).toBe('opaque-token-2')
    expect(server.seen[0]?.params.get('token_type_hint')).toBe('access_token')
  })

  describe('client authentication', () => {
    it('sends client_secret_basic with form-encoded id and secret (RFC 6749 §2.3.1)', async () => {
      const server = fakeServer(() => active())
      await introspector(server.fetch, {
        clientAuth: {
          method: 'client_secret_basic',
          clientId: 'my api',
          clientSecret: 'p@ss:w/rd+',
        },
      }).introspect('t')
      const basic = server.seen[0]?.headers.authorization ?? ''
      expect(Buffer.from(basic.replace(/^Basic /, ''), 'base64').toString()).toBe(
        'my+api:p%40ss%3Aw%2Frd%2B',
      )
      expect(server.seen[0]?.params.has('client_secret')).toBe(false)
    })

    it('sends client_secret_post in the body and no Authorization header', async () => {
      const server = fakeServer(() => active())
      await introspector(server.fetch, {
        clientAuth: { method: 'client_secret_post', clientId: 'api', clientSecret: 's3cret' },
      }).introspect('t')
      expect(server.seen[0]?.params.get('client_id')).toBe('api')
      expect(server.seen[0]?.params.get('client_secret')).toBe('s3cret')
      expect(server.seen[0]?.headers.authorization).toBeUndefined()
    })

    it('sends a bearer token when the server wants one', async () => {
      const server = fakeServer(() => active())
      await introspector(server.fetch, {
        clientAuth: { method: 'bearer', token: 'rs-token' },
      }).introspect('t')
      expect(server.seen[0]?.headers.authorization).toBe('Bearer rs-token')
    })

    it('sends a fresh, single-use private_key_jwt assertion signed with the client key (RFC 7523)', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const server = fakeServer(() => active())
      const client = introspector(server.fetch, {
        cacheTtlMs: 0,
        clientAuth: { method: 'private_key_jwt', clientId: 'api', privateKey, kid: 'k1' },
      })
      await client.introspect('t1')
      await client.introspect('t2')
      const [first, second] = server.seen.map((seen) => seen.params)
      expect(first?.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      )
      const assertion = first?.get('client_assertion') ?? ''
      const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
        issuer: 'api',
        audience: ISSUER,
      })
      expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k1' })
      expect(payload.sub).toBe('api')
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60)
      expect(decodeJwt(second?.get('client_assertion') ?? '').jti).not.toBe(payload.jti)
    })

    it('signs private_key_jwt with a private JWK and its own alg', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'PS256', kid: 'jwk-1' }
      const server = fakeServer(() => active())
      await introspector(server.fetch, {
        clientAuth: { method: 'private_key_jwt', clientId: 'api', privateKey: jwk },
      }).introspect('t')
      expect(decodeProtectedHeader(server.seen[0]?.params.get('client_assertion') ?? '')).toEqual({
        alg: 'PS256',
        kid: 'jwk-1',
      })
    })
  })

  describe('cache', () => {
    it('shares one upstream call among 100 concurrent requests for one token', async () => {
      const server = fakeServer(() => active(), 20)
      const client = introspector(server.fetch)
      const results = await Promise.all(
        Array.from({ length: 100 }, () => client.introspect('same-token')),
      )
      expect(results.map((auth) => auth.subject)).toEqual(results.map(() => 'user-1'))
      expect(server.seen).toHaveLength(1)
    })

    it('reuses an active result for cacheTtlMs, then asks again', async () => {
      const time = clock()
      const server = fakeServer(() => active())
      const client = introspector(server.fetch, { now: time.now, cacheTtlMs: 60_000 })
      await client.introspect('t')
      time.advance(59_000)
      await client.introspect('t')
      expect(server.seen).toHaveLength(1)
      time.advance(1_000)
      await client.introspect('t')
      expect(server.seen).toHaveLength(2)
    })

    it('never keeps an active result past the token exp', async () => {
      const time = clock()
      const exp = Math.floor(time.now() / 1000) + 10
      let answer: Answer = active({ exp })
      const server = fakeServer(() => answer)
      const client = introspector(server.fetch, {
        now: time.now,
        cacheTtlMs: 300_000,
        clockToleranceSec: 0,
      })
      await client.introspect('t')
      time.advance(9_000)
      await client.introspect('t')
      expect(server.seen).toHaveLength(1)
      time.advance(1_000)
      answer = { body: { active: false } }
      expect(await outcome(client.introspect('t'))).toBe('401 invalid_token token_inactive')
      expect(server.seen).toHaveLength(2)
    })

    it('keeps an inactive result for inactiveCacheTtlMs only', async () => {
      const time = clock()
      const server = fakeServer(() => ({ body: { active: false } }))
      const client = introspector(server.fetch, { now: time.now, inactiveCacheTtlMs: 5_000 })
      expect(await outcome(client.introspect('revoked'))).toBe('401 invalid_token token_inactive')
      time.advance(4_999)
      await outcome(client.introspect('revoked'))
      expect(server.seen).toHaveLength(1)
      time.advance(1)
      await outcome(client.introspect('revoked'))
      expect(server.seen).toHaveLength(2)
    })

    it('bounds the default store by cacheMaxEntries, least recently used first out', async () => {
      const server = fakeServer(() => active())
      const client = introspector(server.fetch, { cacheMaxEntries: 2 })
      for (const token of ['a', 'b', 'c', 'a']) await client.introspect(token)
      expect(server.seen.map((seen) => seen.params.get('token'))).toEqual(['a', 'b', 'c', 'a'])
    })

    it('keys the store by the SHA-256 of the token and never stores the token', async () => {
      const keys: string[] = []
      const values: unknown[] = []
      const inner = createMemoryStore<CachedIntrospection>()
      const store: Store<CachedIntrospection> = {
        get: (key) => {
          keys.push(key)
          return inner.get(key)
        },
        set: (key, value, ttl) => {
          keys.push(key)
          values.push(value)
          return inner.set(key, value, ttl)
        },
        delete: (key) => inner.delete(key),
      }
      const token = 'secret-opaque-token-value'
      await introspector(fakeServer(() => active()).fetch, { store }).introspect(token)
      expect(keys.length).toBeGreaterThan(0)
      expect(keys.every((key) => /^[A-Za-z0-9_-]{43}$/.test(key) && !key.includes(token))).toBe(
        true,
      )
      expect(JSON.stringify(values)).not.toContain(token)
    })

    it('goes on without the store when the store fails', async () => {
      const broken: Store<CachedIntrospection> = {
        get: () => Promise.reject(new Error('store down')),
        set: () => Promise.reject(new Error('store down')),
        delete: () => Promise.reject(new Error('store down')),
      }
      const client = introspector(fakeServer(() => active()).fetch, { store: broken })
      const failures: unknown[] = []
      client.on('store_error', (event) => failures.push(event.error))
      await expect(client.introspect('t')).resolves.toMatchObject({ subject: 'user-1' })
      await new Promise((resolve) => setImmediate(resolve))
      expect(failures.length).toBe(2)
    })

    it('works on a node-cache store, with TTLs in whole seconds', async () => {
      const cache = new NodeCache({ maxKeys: 10, useClones: true })
      onTestFinished(() => cache.close())
      const server = fakeServer(() => active())
      const client = introspector(server.fetch, { store: nodeCacheStore(cache), cacheTtlMs: 1_500 })
      await client.introspect('t')
      await client.introspect('t')
      expect(server.seen).toHaveLength(1)
      const [key] = cache.keys()
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(cache.getTtl(key!)! - Date.now()).toBeGreaterThan(1_000)
      expect(cache.getTtl(key!)! - Date.now()).toBeLessThanOrEqual(2_000)
    })

    it('lets node-cache refuse entries at maxKeys without failing the request', async () => {
      const cache = new NodeCache({ maxKeys: 1 })
      onTestFinished(() => cache.close())
      const client = introspector(fakeServer(() => active()).fetch, {
        store: nodeCacheStore(cache),
      })
      await client.introspect('a')
      await expect(client.introspect('b')).resolves.toBeDefined()
    })
  })

  describe('response validation', () => {
    it.each([
      ['another issuer', { iss: 'https://evil.test' }, 'wrong_issuer'],
      ['another audience', { aud: 'https://other.test' }, 'wrong_audience'],
      ['an exp in the past', { exp: nowSec() - 60 }, 'token_expired'],
      ['an nbf in the future', { nbf: nowSec() + 60 }, 'token_not_yet_valid'],
      ['a refresh token', { token_type: 'refresh_token' }, 'wrong_token_type'],
      [
        'an ID token',
        { token_type: 'urn:ietf:params:oauth:token-type:id_token' },
        'wrong_token_type',
      ],
    ])('refuses an active response with %s', async (_name, extra, reason) => {
      const client = introspector(fakeServer(() => active(extra)).fetch)
      expect(await outcome(client.introspect('t'))).toBe(`401 invalid_token ${reason}`)
    })

    it('accepts an aud array that contains the audience, and a response without iss', async () => {
      const withArray = introspector(fakeServer(() => active({ aud: ['x', AUDIENCE] })).fetch)
      expect(await outcome(withArray.introspect('t'))).toBe('accepted')
      const noIssuer = introspector(
        fakeServer(() => ({ body: { active: true, aud: AUDIENCE, exp: nowSec() + 60 } })).fetch,
      )
      expect(await outcome(noIssuer.introspect('t'))).toBe('accepted')
    })

    it('refuses an active response without aud with reason audience_missing (a refresh token looks like this)', async () => {
      for (const body of [
        { active: true, exp: nowSec() + 60 },
        { active: true, aud: [], exp: nowSec() + 60 },
        { active: true, sub: 'user-1', client_id: 'app', scope: 'openid offline_access' },
      ]) {
        const client = introspector(fakeServer(() => ({ body })).fetch)
        expect(await outcome(client.introspect('t')), JSON.stringify(body)).toBe(
          '401 invalid_token audience_missing',
        )
      }
    })

    it('accepts a response without aud only with acceptMissingAudience, and still refuses a foreign aud', async () => {
      const bare = introspector(
        fakeServer(() => ({ body: { active: true, exp: nowSec() + 60 } })).fetch,
        { acceptMissingAudience: true },
      )
      expect(await outcome(bare.introspect('t'))).toBe('accepted')
      const foreign = introspector(
        fakeServer(() => ({ body: { active: true, aud: 'https://other.test' } })).fetch,
        { acceptMissingAudience: true },
      )
      expect(await outcome(foreign.introspect('t'))).toBe('401 invalid_token wrong_audience')
    })

    it('calls the endpoint for every request when cacheMaxEntries is 0', async () => {
      const server = fakeServer(() => active())
      const client = introspector(server.fetch, { cacheMaxEntries: 0 })
      for (let i = 0; i < 3; i++) expect(await outcome(client.introspect('t'))).toBe('accepted')
      expect(server.seen).toHaveLength(3)
    })

    it('enforces requiredClaims', async () => {
      const client = introspector(fakeServer(() => active()).fetch, { requiredClaims: ['tenant'] })
      expect(await outcome(client.introspect('t'))).toBe('401 invalid_token missing_claim')
    })
  })

  describe('upstream failures', () => {
    it.each<[string, Answer]>([
      ['a 500', { status: 500, body: { error: 'server_error' } }],
      ['a 401 (wrong client credentials)', { status: 401, body: { error: 'invalid_client' } }],
      ['a body that is not JSON', { body: '<html>oops</html>' }],
      ['a JSON array', { body: [] }],
      ['active as the string "true"', { body: { active: 'true' } }],
      ['no active member', { body: { sub: 'x' } }],
      ['a numeric scope', { body: { active: true, scope: 42 } }],
      ['a string exp', { body: { active: true, exp: 'tomorrow' } }],
      ['a numeric aud', { body: { active: true, aud: 7 } }],
      ['an oversized body', { body: { active: true, pad: 'x'.repeat(70_000) } }],
      ['a network error', 'network-error'],
    ])('answers 503 with Retry-After, never 401, for %s', async (_name, answer) => {
      const client = introspector(fakeServer(() => answer).fetch)
      const errors: Error[] = []
      client.on('error', (event) => errors.push(event.error))
      const error = await client.introspect('tok').catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(OAuthError)
      expect((error as OAuthError).status).toBe(503)
      expect((error as OAuthError).reason).toBe('introspection_unavailable')
      expect((error as OAuthError).headers['Retry-After']).toBe('5')
      expect(errors).toHaveLength(1)
      expect(errors[0]?.message).not.toContain('tok')
    })

    it('gives up on an endpoint that hangs after timeoutMs', async () => {
      const client = introspector(fakeServer(() => 'hang').fetch, { timeoutMs: 50 })
      expect(await outcome(client.introspect('t'))).toBe(
        '503 temporarily_unavailable introspection_unavailable',
      )
    })

    it('serves a cached active result through an outage within serveStaleMs, never past exp', async () => {
      const time = clock()
      const exp = Math.floor(time.now() / 1000) + 600
      let answer: Answer = active({ exp })
      const client = introspector(fakeServer(() => answer).fetch, {
        now: time.now,
        cacheTtlMs: 60_000,
        serveStaleMs: 120_000,
      })
      const stale: number[] = []
      client.on('stale', (event) => stale.push(event.ageMs))
      await client.introspect('t')
      answer = 'network-error'
      time.advance(90_000)
      expect(await outcome(client.introspect('t'))).toBe('accepted')
      expect(stale).toEqual([30_000])
      time.advance(100_000)
      expect(await outcome(client.introspect('t'))).toBe(
        '503 temporarily_unavailable introspection_unavailable',
      )
    })

    it('does not serve stale results unless asked to', async () => {
      const time = clock()
      let answer: Answer = active()
      const client = introspector(fakeServer(() => answer).fetch, {
        now: time.now,
        cacheTtlMs: 1_000,
      })
      await client.introspect('t')
      answer = { status: 503, body: {} }
      time.advance(1_000)
      expect(await outcome(client.introspect('t'))).toBe(
        '503 temporarily_unavailable introspection_unavailable',
      )
    })
  })

  it('discovers the introspection_endpoint from the issuer metadata', async () => {
    const seen: string[] = []
    const fetch: FetchLike = (url) => {
      seen.push(url)
      if (url.endsWith('/.well-known/openid-configuration')) {
        return Promise.resolve(
          Response.json({ issuer: ISSUER, introspection_endpoint: `${ISSUER}/oauth/introspect` }),
        )
      }
      return Promise.resolve(Response.json(active().body))
    }
    const client = createIntrospector({
      issuer: ISSUER,
      audience: AUDIENCE,
      clientAuth: { method: 'bearer', token: 'x' },
      fetch,
      cacheTtlMs: 0,
    })
    await client.introspect('a')
    await client.introspect('b')
    expect(seen).toEqual([
      `${ISSUER}/.well-known/openid-configuration`,
      `${ISSUER}/oauth/introspect`,
      `${ISSUER}/oauth/introspect`,
    ])
  })

  describe('configuration', () => {
    const base = {
      issuer: ISSUER,
      audience: AUDIENCE,
      clientAuth: { method: 'bearer', token: 'x' },
    }
    it.each([
      ['no issuer', { ...base, issuer: undefined }, /issuer is required/],
      ['no audience', { ...base, audience: undefined }, /audience is required/],
      ['no clientAuth', { ...base, clientAuth: undefined }, /clientAuth is required/],
      [
        'an unknown auth method',
        { ...base, clientAuth: { method: 'magic' } },
        /clientAuth.method must be/,
      ],
      [
        'an empty secret',
        { ...base, clientAuth: { method: 'client_secret_basic', clientId: 'a', clientSecret: '' } },
        /clientSecret must be a non-empty string/,
      ],
      [
        'an http endpoint outside localhost',
        { ...base, introspectionEndpoint: 'http://as.example/introspect' },
        /must use https/,
      ],
      [
        'a typo',
        { ...base, cacheTTLMs: 5 },
        /unknown option "cacheTTLMs". Did you mean "cacheTtlMs"\?/,
      ],
      ['a negative TTL', { ...base, cacheTtlMs: -1 }, /cacheTtlMs must be a non-negative number/],
    ])('fails at start-up on %s', (_name, options, message) => {
      expect(() => createIntrospector(options as unknown as IntrospectorOptions)).toThrow(message)
    })

    it('never puts the client secret in a start-up error', () => {
      expect(() =>
        createIntrospector({
          ...base,
          clientAuth: { method: 'client_secret_basic', clientId: '', clientSecret: 'TOPSECRET' },
        }),
      ).toThrow(
        expect.objectContaining({
          message: expect.not.stringContaining('TOPSECRET') as string,
        }) as Error,
      )
    })
  })
})
