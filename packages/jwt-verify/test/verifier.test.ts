import { OAuthError } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { beforeAll, describe, expect, it } from 'vitest'
import type { FetchLike } from '@tokenguard/core'
import { createJwtVerifier, type JwtVerifierOptions } from '../src/index.js'
import { manualClock } from './support/fake-upstream.js'

const JWKS_URI = 'https://issuer.test/jwks.json'

let issuer: TestIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://issuer.test', audience: 'https://api.test' })
})

/** Serves the test issuer's current JWKS through an injected fetch, counting calls. */
function jwksFetch(source: () => TestIssuer = () => issuer) {
  let calls = 0
  const fetch: FetchLike = () => {
    calls++
    return Promise.resolve(Response.json(source().jwks()))
  }
  return { fetch, calls: () => calls }
}

function verifierFor(overrides: Partial<JwtVerifierOptions> = {}) {
  const upstream = jwksFetch()
  const verifier = createJwtVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: JWKS_URI,
    fetch: upstream.fetch,
    ...overrides,
  })
  return { verifier, upstream }
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof OAuthError) return `${error.status} ${error.code ?? '-'} ${error.reason}`
    throw error
  }
  return 'accepted'
}

describe('createJwtVerifier', () => {
  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    'accepts a valid %s token',
    async (alg) => {
      const { verifier } = verifierFor()
      const token = await issuer.sign({ scope: 'pets:read pets:write' }, { alg })
      const auth = await verifier.verify(token)
      expect(auth).toMatchObject({
        scheme: 'bearer',
        source: 'jwt',
        issuer: issuer.issuer,
        audience: [issuer.audience],
        subject: 'user-123',
        clientId: 'test-client',
        scopes: ['pets:read', 'pets:write'],
      })
      expect(auth.expiresAt).toBeTypeOf('number')
    },
  )

  it('keeps the raw token on the context, out of JSON and enumeration', async () => {
    const { verifier } = verifierFor()
    const token = await issuer.sign()
    const auth = await verifier.verify(token)
    expect(auth.token).toBe(token)
    expect(JSON.stringify(auth)).not.toContain(token)
    expect(Object.keys(auth)).not.toContain('token')
  })

  it('serves a token from its cache from its second use on, without fetching or verifying again', async () => {
    const { verifier, upstream } = verifierFor()
    const token = await issuer.sign()
    const first = await verifier.verify(token)
    const second = await verifier.verify(token)
    expect(second).not.toBe(first)
    expect(second).toEqual(first)
    for (let i = 0; i < 3; i++) expect(await verifier.verify(token)).toBe(second)
    expect(upstream.calls()).toBe(1)
  })

  it("keeps a client's cached token through a flood of valid tokens that each come once", async () => {
    const { verifier } = verifierFor({ cacheMaxEntries: 10 })
    const token = await issuer.sign({ sub: 'steady-client' })
    await verifier.verify(token)
    const cached = await verifier.verify(token)
    const flood = await Promise.all(Array.from({ length: 200 }, (_, n) => issuer.sign({ n })))
    for (const once of flood) await verifier.verify(once)
    expect(await verifier.verify(token)).toBe(cached)
  })

  it('caches no token used only once, so a stream of distinct tokens leaves the cache alone', async () => {
    const { verifier } = verifierFor()
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, n) => issuer.sign({ n })))
    const once = await Promise.all(tokens.map((token) => verifier.verify(token)))
    const twice = await Promise.all(tokens.map((token) => verifier.verify(token)))
    const thrice = await Promise.all(tokens.map((token) => verifier.verify(token)))
    const fresh = (list: readonly unknown[], other: readonly unknown[]) =>
      list.filter((auth, i) => auth !== other[i]).length
    expect(fresh(twice, once)).toBe(50)
    expect(fresh(thrice, twice)).toBe(0)
  })

  it('re-checks expiry on a cache hit: a cached token still expires on time', async () => {
    const clock = manualClock(Date.now())
    const { verifier } = verifierFor({ now: clock.now, clockToleranceSec: 0 })
    const token = await issuer.sign({}, { expiresInSec: 60 })
    await verifier.verify(token)
    clock.advance(59_000)
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(1_000)
    expect(await reasonOf(verifier.verify(token))).toBe('401 invalid_token token_expired')
  })

  it('drops cached results whose key left the JWKS', async () => {
    const rotating = await createTestIssuer({
      issuer: 'https://issuer.test',
      algorithms: ['ES256'],
    })
    const upstream = jwksFetch(() => rotating)
    const clock = manualClock(Date.now())
    const verifier = createJwtVerifier({
      issuer: rotating.issuer,
      audience: rotating.audience,
      jwksUri: JWKS_URI,
      fetch: upstream.fetch,
      now: clock.now,
      clockToleranceSec: 0,
    })
    const token = await rotating.sign({}, { expiresInSec: 3_600 })
    await verifier.verify(token)
    const oldKid = rotating.key('ES256').kid
    await rotating.addKey('ES256')
    rotating.removeKey(oldKid)
    clock.advance(600_000)
    await verifier.hydrate()
    expect(await reasonOf(verifier.verify(token))).toBe('401 invalid_token unknown_kid')
  })

  it.each([
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 60 }, {}, 'token_expired'],
    [
      'a token not valid yet',
      { nbf: Math.floor(Date.now() / 1000) + 60 },
      {},
      'token_not_yet_valid',
    ],
    [
      'a token issued in the future',
      { iat: Math.floor(Date.now() / 1000) + 60 },
      {},
      'iat_in_future',
    ],
    ['a token without exp', {}, { omit: ['exp'] }, 'missing_claim'],
    ['a token for another audience', { aud: 'https://other.test' }, {}, 'wrong_audience'],
    ['a token without aud', {}, { omit: ['aud'] }, 'audience_missing'],
    ['a token with an empty aud array', { aud: [] }, {}, 'audience_missing'],
    ['a token with a numeric aud', { aud: 7 }, {}, 'wrong_audience'],
    ['a token from another issuer', { iss: 'https://evil.test' }, {}, 'wrong_issuer'],
    ['a token with a string exp', { exp: '9999999999' }, {}, 'malformed_token'],
    ['a token with a numeric sub', { sub: 42 }, {}, 'malformed_token'],
  ] as const)('refuses %s', async (_name, claims, options, reason) => {
    const { verifier } = verifierFor()
    const token = await issuer.sign(claims, options)
    expect(await reasonOf(verifier.verify(token))).toBe(`401 invalid_token ${reason}`)
  })

  it('accepts a token whose aud array names the API among others', async () => {
    const { verifier } = verifierFor()
    const token = await issuer.sign({ aud: ['https://other.test', issuer.audience] })
    await expect(verifier.verify(token)).resolves.toMatchObject({
      audience: ['https://other.test', issuer.audience],
    })
  })

  it('allows clock skew up to clockToleranceSec, and no more', async () => {
    const { verifier } = verifierFor({ clockToleranceSec: 30 })
    const now = Math.floor(Date.now() / 1000)
    expect(await reasonOf(verifier.verify(await issuer.sign({ exp: now - 20 })))).toBe('accepted')
    expect(await reasonOf(verifier.verify(await issuer.sign({ exp: now - 40 })))).toBe(
      '401 invalid_token token_expired',
    )
  })

  it('refuses a token older than maxTokenAgeSec', async () => {
    const { verifier } = verifierFor({ maxTokenAgeSec: 60, clockToleranceSec: 0 })
    const old = await issuer.sign({ iat: Math.floor(Date.now() / 1000) - 120 })
    expect(await reasonOf(verifier.verify(old))).toBe('401 invalid_token token_too_old')
  })

  it('enforces requiredClaims and custom validators', async () => {
    const { verifier } = verifierFor({
      requiredClaims: ['tenant'],
      validators: [(claims) => claims.tenant === 'acme'],
    })
    expect(await reasonOf(verifier.verify(await issuer.sign()))).toBe(
      '401 invalid_token missing_claim',
    )
    expect(await reasonOf(verifier.verify(await issuer.sign({ tenant: 'evil' })))).toBe(
      '401 invalid_token claim_check_failed',
    )
    expect(await reasonOf(verifier.verify(await issuer.sign({ tenant: 'acme' })))).toBe('accepted')
  })

  it('runs validators, requiredClaims and maxTokenAgeSec on every request, cache hits included', async () => {
    const denied = new Set<string>()
    const clock = { now: Date.now() }
    const { verifier, upstream } = verifierFor({
      validators: [(claims) => !denied.has(String(claims.jti))],
      maxTokenAgeSec: 60,
      clockToleranceSec: 0,
      now: () => clock.now,
    })
    const token = await issuer.sign({ jti: 'revoked-later' })
    expect(await reasonOf(verifier.verify(token))).toBe('accepted')
    expect(await reasonOf(verifier.verify(token))).toBe('accepted')
    denied.add('revoked-later')
    expect(await reasonOf(verifier.verify(token))).toBe('401 invalid_token claim_check_failed')
    denied.clear()
    expect(await reasonOf(verifier.verify(token))).toBe('accepted')
    clock.now += 61_000
    expect(await reasonOf(verifier.verify(token))).toBe('401 invalid_token token_too_old')
    expect(upstream.calls()).toBe(1)
  })

  it('answers a cached token synchronously through check(), and the same as verify()', async () => {
    const { verifier } = verifierFor()
    const token = await issuer.sign({ scope: 'pets:read' })
    const first = verifier.check(token)
    expect(first).toBeInstanceOf(Promise)
    await first
    // Cached from its second use on.
    const auth = verifier.check(token)
    expect(auth).not.toBeInstanceOf(Promise)
    const second = verifier.check(token)
    expect(second).not.toBeInstanceOf(Promise)
    expect(second).toBe(auth)
    expect(await verifier.verify(token)).toBe(auth)
  })

  it.each([
    ['at+jwt', 'accepted'],
    ['application/at+jwt', 'accepted'],
    ['AT+JWT', 'accepted'],
    ['JWT', 'accepted'],
    [null, 'accepted'],
    ['dpop+jwt', '401 invalid_token wrong_typ'],
    ['logout+jwt', '401 invalid_token wrong_typ'],
  ] as const)('in the lenient profile answers %s with %s', async (typ, expected) => {
    const { verifier } = verifierFor()
    expect(await reasonOf(verifier.verify(await issuer.sign({}, { typ })))).toBe(expected)
  })

  it('in the rfc9068 profile accepts only at+jwt with every required claim', async () => {
    const { verifier } = verifierFor({ profile: 'rfc9068' })
    expect(await reasonOf(verifier.verify(await issuer.sign()))).toBe('accepted')
    expect(await reasonOf(verifier.verify(await issuer.sign({}, { typ: 'JWT' })))).toBe(
      '401 invalid_token wrong_typ',
    )
    const idToken = await issuer.sign(
      { nonce: 'n', azp: 'test-client' },
      { typ: null, omit: ['client_id'] },
    )
    expect(await reasonOf(verifier.verify(idToken))).toBe('401 invalid_token wrong_typ')
    expect(await reasonOf(verifier.verify(await issuer.sign({}, { omit: ['client_id'] })))).toBe(
      '401 invalid_token missing_claim',
    )
  })

  it('refuses an algorithm outside the configured allowlist', async () => {
    const { verifier } = verifierFor({ algorithms: ['ES256'] })
    expect(await reasonOf(verifier.verify(await issuer.sign({}, { alg: 'RS256' })))).toBe(
      '401 invalid_token alg_not_allowed',
    )
  })

  it('chooses among several issuers by iss, each with its own keys and rules', async () => {
    const other = await createTestIssuer({
      issuer: 'https://other-issuer.test',
      audience: 'https://api.test',
      algorithms: ['ES256'],
    })
    const fetch: FetchLike = (url) =>
      Promise.resolve(Response.json(url.includes('other') ? other.jwks() : issuer.jwks()))
    const verifier = createJwtVerifier({
      audience: 'https://api.test',
      fetch,
      issuers: [
        { issuer: issuer.issuer, jwksUri: JWKS_URI },
        {
          issuer: other.issuer,
          jwksUri: 'https://other-issuer.test/jwks',
          requiredClaims: ['tenant'],
        },
      ],
    })
    expect(await reasonOf(verifier.verify(await issuer.sign()))).toBe('accepted')
    expect(await reasonOf(verifier.verify(await other.sign({ tenant: 't' })))).toBe('accepted')
    expect(await reasonOf(verifier.verify(await other.sign()))).toBe(
      '401 invalid_token missing_claim',
    )
    // A token signed by the first issuer's key but claiming the second issuer.
    const crossed = await issuer.sign({ iss: other.issuer, tenant: 't' })
    expect(await reasonOf(verifier.verify(crossed))).toMatch(
      /^401 invalid_token (unknown_kid|alg_not_allowed)$/,
    )
  })

  it('verifies HS256 with a configured secret and refuses asymmetric tokens then', async () => {
    const secret = 'a-secret-of-at-least-thirty-two-bytes!!'
    const verifier = createJwtVerifier({
      issuer: 'https://self.test',
      audience: 'https://api.test',
      secret,
    })
    const { SignJWT } = await import('jose')
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({
      sub: 'svc',
      aud: 'https://api.test',
      iss: 'https://self.test',
      exp: now + 60,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret))
    expect(await reasonOf(verifier.verify(token))).toBe('accepted')
    const forged = token.slice(0, token.lastIndexOf('.') + 1) + 'A'.repeat(43)
    expect(await reasonOf(verifier.verify(forged))).toBe('401 invalid_token bad_signature')
    const rs = await issuer.sign({ iss: 'https://self.test' })
    expect(await reasonOf(verifier.verify(rs))).toBe('401 invalid_token alg_not_allowed')
  })

  it('refuses a token whose signature was tampered with', async () => {
    const { verifier } = verifierFor()
    const token = await issuer.sign()
    const [header, payload] = token.split('.')
    const other = (await issuer.sign({ sub: 'admin' })).split('.')[2]
    expect(await reasonOf(verifier.verify(`${header}.${payload}.${other}`))).toBe(
      '401 invalid_token bad_signature',
    )
  })

  describe('configuration', () => {
    const base = { issuer: 'https://issuer.test', audience: 'https://api.test' }
    it.each([
      ['no issuer', { audience: 'a' }, /issuer is required/],
      ['no audience', { issuer: 'https://issuer.test' }, /audience is required/],
      [
        'an http issuer outside localhost',
        { ...base, issuer: 'http://issuer.example' },
        /must use https/,
      ],
      [
        'a typo in an option name',
        { ...base, audiance: 'x' },
        /unknown option "audiance". Did you mean "audience"\?/,
      ],
      ['alg none', { ...base, algorithms: ['none'] }, /"none" is never accepted/],
      ['HS256 without a secret', { ...base, algorithms: ['HS256'] }, /needs a secret/],
      [
        'a secret beside a JWKS',
        { ...base, secret: 'x'.repeat(32), jwksUri: JWKS_URI },
        /cannot be combined/,
      ],
      ['a short secret', { ...base, secret: 'short' }, /at least 32 bytes/],
      [
        'RS256 with a secret',
        { ...base, secret: 'x'.repeat(32), algorithms: ['RS256'] },
        /only HS256/,
      ],
      ['a negative tolerance', { ...base, clockToleranceSec: -1 }, /clockToleranceSec/],
      ['an unknown profile', { ...base, profile: 'strict' }, /profile must be/],
    ])('fails at start-up on %s', (_name, options, message) => {
      expect(() => createJwtVerifier(options as JwtVerifierOptions)).toThrow(message)
    })

    it('accepts http issuers on localhost and 127.0.0.1, and elsewhere only with allowInsecureHttp', () => {
      expect(() => createJwtVerifier({ ...base, issuer: 'http://localhost:3000' })).not.toThrow()
      expect(() => createJwtVerifier({ ...base, issuer: 'http://127.0.0.1:3000' })).not.toThrow()
      expect(() =>
        createJwtVerifier({ ...base, issuer: 'http://issuer.example', allowInsecureHttp: true }),
      ).not.toThrow()
    })
  })
})

describe('createJwtVerifier result cache and key rotation', () => {
  it('never serves a cached result to another token that only shares its tail', async () => {
    const { verifier } = verifierFor()
    const token = await issuer.sign({ scope: 'pets:read' }, { alg: 'RS256' })
    await verifier.verify(token)
    const cached = await verifier.verify(token)
    expect(await verifier.verify(token)).toBe(cached)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as object
    const forged = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const lookalikes = [
      `${header}.${forged({ ...claims, scope: 'pets:admin' })}.${signature}`,
      `${header}.${forged({ ...claims, sub: 'someone-else' })}.${signature}`,
      `${forged({ alg: 'RS256', kid: 'another' })}.${payload}.${signature}`,
      `x${token}`,
      token.slice(1),
      `${header}.${payload.slice(0, -4)}${payload.slice(-4).split('').reverse().join('')}.${signature}`,
    ]
    for (const lookalike of lookalikes) {
      expect(lookalike.slice(-48)).toBe(token.slice(-48))
      expect(await reasonOf(verifier.verify(lookalike))).toMatch(/^401 invalid_token /)
    }
    expect(await verifier.verify(token)).toBe(cached)
  })

  it('refreshes a due JWKS on cache hits, so a removed key stops working within the max age', async () => {
    const rotating = await createTestIssuer({
      issuer: 'https://issuer.test',
      algorithms: ['ES256'],
    })
    const upstream = jwksFetch(() => rotating)
    const clock = manualClock(Date.now())
    const verifier = createJwtVerifier({
      issuer: rotating.issuer,
      audience: rotating.audience,
      jwksUri: JWKS_URI,
      fetch: upstream.fetch,
      now: clock.now,
      jwksOptions: { maxAgeMs: 60_000, refreshAheadMs: 10_000 },
    })
    const token = await rotating.sign({}, { expiresInSec: 3_600 })
    await verifier.verify(token)
    const oldKid = rotating.key('ES256').kid
    await rotating.addKey('ES256')
    rotating.removeKey(oldKid)
    clock.advance(55_000)
    await expect(verifier.verify(token)).resolves.toBeDefined()
    await new Promise((resolve) => setImmediate(resolve))
    expect(upstream.calls()).toBe(2)
    expect(await reasonOf(verifier.verify(token))).toBe('401 invalid_token unknown_kid')
  })
})
