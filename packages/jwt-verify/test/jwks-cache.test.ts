import { errorLike } from '@tokenguard/test-support/errors'
import { OAuthError } from '@tokenguard/core'
import { describe, expect, it } from 'vitest'
import { createJwksCache, type JwksCacheEvents, type PreparedKey } from '../src/index.js'
import { fakeUpstream, makeJwk, manualClock, settle } from './support/fake-upstream.js'

const JWKS_URI = 'https://issuer.example/jwks.json'

async function rejection(call: () => unknown): Promise<OAuthError> {
  try {
    await call()
  } catch (error) {
    if (error instanceof OAuthError) return error
    throw error
  }
  throw new Error('expected an OAuthError')
}

describe('createJwksCache', () => {
  it('fetches the JWKS once for 100 concurrent requests', async () => {
    const rsa = makeJwk('rsa', 'k1')
    const upstream = fakeUpstream({ [JWKS_URI]: { body: { keys: [rsa] } } })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch })
    const keys = await Promise.all(
      Array.from({ length: 100 }, () => Promise.resolve(jwks.getKey('k1', 'RS256'))),
    )
    expect(new Set(keys).size).toBe(1)
    expect(upstream.calls(JWKS_URI)).toBe(1)
  })

  it('answers from memory, without a promise, once the keys are in', async () => {
    const upstream = fakeUpstream({ [JWKS_URI]: { body: { keys: [makeJwk('ec', 'e1')] } } })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch })
    await jwks.hydrate()
    const key = jwks.getKey('e1', 'ES256')
    expect(key).not.toBeInstanceOf(Promise)
    expect(upstream.calls()).toBe(1)
  })

  it('binds each key to the algorithms of its type and curve', async () => {
    const upstream = fakeUpstream({
      [JWKS_URI]: {
        body: { keys: [makeJwk('rsa', 'r'), makeJwk('ec', 'e'), makeJwk('ed25519', 'o')] },
      },
    })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch })
    await jwks.hydrate()
    expect([...(jwks.getKey('r', 'PS256') as PreparedKey).algorithms]).toContain('RS256')
    expect(() => jwks.getKey('e', 'ES384')).toThrow(/does not fit its key/)
    expect(() => jwks.getKey('r', 'ES256')).toThrow(/does not fit its key/)
    expect(() => jwks.getKey('o', 'RS256')).toThrow(/does not fit its key/)
    expect(jwks.getKey('o', 'EdDSA')).toBeDefined()
  })

  it('skips symmetric, encryption, weak RSA and malformed keys', async () => {
    const events: JwksCacheEvents['refresh'][] = []
    const upstream = fakeUpstream({
      [JWKS_URI]: {
        body: {
          keys: [
            { kty: 'oct', k: 'c2VjcmV0', kid: 'oct' },
            { ...makeJwk('rsa', 'enc'), use: 'enc' },
            { ...makeJwk('rsa', 'ops'), key_ops: ['encrypt'] },
            makeJwk('rsa1024', 'weak'),
            { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'bad-point' },
            { ...makeJwk('ec', 'wrong-alg'), alg: 'RS256' },
            null,
            makeJwk('rsa', 'good'),
          ],
        },
      },
    })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch })
    jwks.on('refresh', (event) => events.push(event))
    await jwks.hydrate()
    expect(jwks.keys().map((key) => key.kid)).toEqual(['good'])
    expect(events[0]).toMatchObject({ trigger: 'hydrate', keyCount: 1, skippedCount: 7 })
  })

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const clock = manualClock()
    const upstream = fakeUpstream({ [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'old')] } } })
    const jwks = createJwksCache({
      jwksUri: JWKS_URI,
      fetch: upstream.fetch,
      now: clock.now,
      cooldownMs: 30_000,
    })
    await jwks.hydrate()
    clock.advance(30_000)
    const flood = Array.from({ length: 50 }, (_, i) =>
      rejection(() => jwks.getKey(`unknown-${i}`, 'RS256')),
    )
    const errors = await Promise.all(flood)
    expect(errors.every((error) => error.reason === 'unknown_kid' && error.status === 401)).toBe(
      true,
    )
    expect(upstream.calls(JWKS_URI)).toBe(2)
    clock.advance(29_000)
    await rejection(() => jwks.getKey('unknown-again', 'RS256'))
    expect(upstream.calls(JWKS_URI)).toBe(2)
    clock.advance(1_000)
    await rejection(() => jwks.getKey('unknown-again', 'RS256'))
    expect(upstream.calls(JWKS_URI)).toBe(3)
  })

  it('picks up a rotated key on the refetch an unknown kid triggers', async () => {
    const clock = manualClock()
    const upstream = fakeUpstream({ [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'old')] } } })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch, now: clock.now })
    await jwks.hydrate()
    upstream.routes[JWKS_URI] = { body: { keys: [makeJwk('rsa', 'old'), makeJwk('rsa', 'new')] } }
    clock.advance(31_000)
    await expect(jwks.getKey('new', 'RS256')).resolves.toMatchObject({ kid: 'new' })
  })

  it('never fetches more than maxFetchesPerMinute, whatever asks', async () => {
    const clock = manualClock()
    const upstream = fakeUpstream({ [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'k')] } } })
    const jwks = createJwksCache({
      jwksUri: JWKS_URI,
      fetch: upstream.fetch,
      now: clock.now,
      cooldownMs: 0,
      maxFetchesPerMinute: 3,
    })
    for (let i = 0; i < 20; i++) {
      await rejection(() => jwks.getKey(`nope-${i}`, 'RS256'))
      clock.advance(1_000)
    }
    expect(upstream.calls(JWKS_URI)).toBe(3)
    clock.advance(60_000)
    await rejection(() => jwks.getKey('nope-late', 'RS256'))
    expect(upstream.calls(JWKS_URI)).toBe(4)
  })

  it('refreshes in the background ahead of max age and keeps answering meanwhile', async () => {
    const clock = manualClock()
    const upstream = fakeUpstream({ [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'k')] } } })
    const jwks = createJwksCache({
      jwksUri: JWKS_URI,
      fetch: upstream.fetch,
      now: clock.now,
      maxAgeMs: 600_000,
      refreshAheadMs: 60_000,
    })
    await jwks.hydrate()
    clock.advance(539_000)
    expect(jwks.getKey('k', 'RS256')).not.toBeInstanceOf(Promise)
    expect(upstream.calls()).toBe(1)
    clock.advance(2_000)
    expect(jwks.getKey('k', 'RS256')).not.toBeInstanceOf(Promise)
    expect(jwks.getKey('k', 'RS256')).not.toBeInstanceOf(Promise)
    await settle()
    expect(upstream.calls()).toBe(2)
  })

  it('keeps known keys working through an outage within staleIfErrorMs, then answers 503', async () => {
    const clock = manualClock()
    const upstream = fakeUpstream({ [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'k')] } } })
    const errors: JwksCacheEvents['error'][] = []
    const jwks = createJwksCache({
      jwksUri: JWKS_URI,
      fetch: upstream.fetch,
      now: clock.now,
      maxAgeMs: 600_000,
      staleIfErrorMs: 3_600_000,
    })
    jwks.on('error', (event) => errors.push(event))
    await jwks.hydrate()
    upstream.routes[JWKS_URI] = 'network-error'
    clock.advance(600_000 + 3_500_000)
    expect(jwks.getKey('k', 'RS256')).toMatchObject({ kid: 'k' })
    await settle()
    expect(errors.length).toBe(1)
    clock.advance(200_000)
    const error = await rejection(() => jwks.getKey('k', 'RS256'))
    expect(error.status).toBe(503)
    expect(error.reason).toBe('jwks_unavailable')
    expect(error.headers['Retry-After']).toMatch(/^\d+$/)
    upstream.routes[JWKS_URI] = { body: { keys: [makeJwk('rsa', 'k')] } }
    clock.advance(5_000)
    await expect(jwks.getKey('k', 'RS256')).resolves.toMatchObject({ kid: 'k' })
  })

  it('answers 503, never 401, when the first fetch fails, and backs off before retrying', async () => {
    const clock = manualClock()
    const upstream = fakeUpstream({ [JWKS_URI]: { status: 500, body: 'oops' } })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch, now: clock.now })
    const first = await rejection(() => jwks.getKey('k', 'RS256'))
    expect(first.status).toBe(503)
    const again = await rejection(() => jwks.getKey('k', 'RS256'))
    expect(again.status).toBe(503)
    expect(upstream.calls()).toBe(1)
  })

  it('stops trusting a key at the first successful refresh that no longer lists it', async () => {
    const clock = manualClock()
    const upstream = fakeUpstream({
      [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'a'), makeJwk('rsa', 'b')] } },
    })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch, now: clock.now })
    await jwks.hydrate()
    const a = jwks.getKey('a', 'RS256') as Exclude<ReturnType<typeof jwks.getKey>, Promise<unknown>>
    const b = jwks.getKey('b', 'RS256') as typeof a
    const routes = upstream.routes[JWKS_URI] as { body: { keys: unknown[] } }
    upstream.routes[JWKS_URI] = { body: { keys: [routes.body.keys[1]] } }
    clock.advance(600_000)
    await jwks.hydrate()
    expect(jwks.isCurrent(a)).toBe(false)
    expect(jwks.isCurrent(b)).toBe(true)
    expect(() => jwks.getKey('a', 'RS256')).toThrow(/unknown key/)
  })

  it.each([
    ['a non-200 answer', { status: 502, body: {} }],
    ['a body that is not JSON', { body: '<html>' }],
    ['a document without keys', { body: { nope: [] } }],
    [
      'more keys than maxKeys',
      { body: { keys: Array.from({ length: 3 }, () => ({ kty: 'RSA' })) } },
    ],
    ['a body over maxResponseBytes', { body: { keys: [], pad: 'x'.repeat(5_000) } }],
  ])('reports an error event and answers 503 for %s', async (_name, answer) => {
    const upstream = fakeUpstream({ [JWKS_URI]: answer })
    const jwks = createJwksCache({
      jwksUri: JWKS_URI,
      fetch: upstream.fetch,
      maxKeys: 2,
      maxResponseBytes: 4_096,
    })
    const errors: Error[] = []
    jwks.on('error', (event) => errors.push(event.error))
    const error = await rejection(() => jwks.getKey('k', 'RS256'))
    expect(error.status).toBe(503)
    expect(errors).toHaveLength(1)
  })

  it('gives up on a JWKS endpoint that hangs after timeoutMs', async () => {
    const upstream = fakeUpstream({ [JWKS_URI]: 'hang' })
    const jwks = createJwksCache({ jwksUri: JWKS_URI, fetch: upstream.fetch, timeoutMs: 50 })
    const errors: Error[] = []
    jwks.on('error', (event) => errors.push(event.error))
    const started = Date.now()
    const error = await rejection(() => jwks.getKey('k', 'RS256'))
    expect(error.status).toBe(503)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(errors[0]?.message).toMatch(/did not answer within 50 ms/)
  })

  it('discovers the jwks_uri through OpenID Connect Discovery', async () => {
    const upstream = fakeUpstream({
      'https://issuer.example/.well-known/openid-configuration': {
        body: { issuer: 'https://issuer.example', jwks_uri: JWKS_URI },
      },
      [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'k')] } },
    })
    const jwks = createJwksCache({ issuer: 'https://issuer.example', fetch: upstream.fetch })
    await expect(jwks.getKey('k', 'RS256')).resolves.toMatchObject({ kid: 'k' })
    expect(jwks.jwksUri).toBe(JWKS_URI)
  })

  it('falls back to RFC 8414 metadata, with the well-known path before the issuer path', async () => {
    const upstream = fakeUpstream({
      'https://issuer.example/.well-known/oauth-authorization-server/tenant': {
        body: { issuer: 'https://issuer.example/tenant', jwks_uri: JWKS_URI },
      },
      [JWKS_URI]: { body: { keys: [makeJwk('rsa', 'k')] } },
    })
    const jwks = createJwksCache({ issuer: 'https://issuer.example/tenant', fetch: upstream.fetch })
    await jwks.hydrate()
    expect(upstream.calls('https://issuer.example/tenant/.well-known/openid-configuration')).toBe(1)
    expect(jwks.keys()).toHaveLength(1)
  })

  it('refuses metadata that names another issuer', async () => {
    const upstream = fakeUpstream({
      'https://issuer.example/.well-known/openid-configuration': {
        body: { issuer: 'https://evil.example', jwks_uri: JWKS_URI },
      },
    })
    const jwks = createJwksCache({ issuer: 'https://issuer.example', fetch: upstream.fetch })
    const errors: Error[] = []
    jwks.on('error', (event) => errors.push(event.error))
    expect((await rejection(() => jwks.getKey('k', 'RS256'))).status).toBe(503)
    expect(errors[0]?.message).toMatch(/another issuer/)
    expect(upstream.calls(JWKS_URI)).toBe(0)
  })

  it('refuses a discovered http jwks_uri on a public host', async () => {
    const upstream = fakeUpstream({
      'https://issuer.example/.well-known/openid-configuration': {
        body: { issuer: 'https://issuer.example', jwks_uri: 'http://issuer.example/jwks' },
      },
    })
    const jwks = createJwksCache({ issuer: 'https://issuer.example', fetch: upstream.fetch })
    expect((await rejection(() => jwks.getKey('k', 'RS256'))).status).toBe(503)
    expect(upstream.calls('http://issuer.example/jwks')).toBe(0)
  })

  it('fails at start-up on an http URL outside localhost, or no URL at all', () => {
    expect(() => createJwksCache({ jwksUri: 'http://issuer.example/jwks' })).toThrow(
      errorLike(TypeError, /jwksUri "http:\/\/issuer.example\/jwks" must use https/),
    )
    expect(() => createJwksCache({ jwksUri: 'http://127.0.0.1:8080/jwks' })).not.toThrow()
    expect(() =>
      createJwksCache({ jwksUri: 'http://issuer.example/jwks', allowInsecureHttp: true }),
    ).not.toThrow()
    expect(() => createJwksCache({})).toThrow(errorLike(TypeError, /give jwksUri, or issuer/))
    expect(() => createJwksCache({ jwksUri: JWKS_URI, maxAgeMs: -1 })).toThrow(RangeError)
  })
})
