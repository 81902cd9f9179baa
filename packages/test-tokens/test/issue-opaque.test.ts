import { errorLike } from '@tokenguard/test-support/errors'
import { beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer } from '../src/index.js'
import type { OpaqueOptions, TestIssuer } from '../src/index.js'

describe('TestIssuer.issueOpaque', () => {
  let clock = 1_800_000_000_000
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'], now: () => clock })
  })

  it('issues 32 random bytes as base64url, never JWT-shaped and never twice', () => {
    const tokens = Array.from({ length: 50 }, () => issuer.issueOpaque())
    for (const token of tokens) {
      expect(token).toMatch(/^[\w-]{43}$/)
      expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    }
    expect(new Set(tokens).size).toBe(50)
  })

  it('keeps the default claims of sign, with token_type Bearer', () => {
    const now = clock / 1000
    expect(issuer.introspect(issuer.issueOpaque())).toEqual({
      active: true,
      iss: 'https://issuer.test',
      aud: 'https://api.test',
      sub: 'user-123',
      client_id: 'test-client',
      iat: now,
      exp: now + 300,
      jti: expect.stringMatching(/^[\w-]{16,}$/),
      token_type: 'Bearer',
    })
  })

  it('adds caller claims, overrides defaults, and removes a default set to undefined', () => {
    const token = issuer.issueOpaque({
      scope: 'pets:read',
      sub: 'alice',
      client_id: undefined,
      username: 'alice@example.test',
      token_type: 'DPoP',
    })
    const answer = issuer.introspect(token)
    expect(answer).toMatchObject({
      active: true,
      scope: 'pets:read',
      sub: 'alice',
      username: 'alice@example.test',
      token_type: 'DPoP',
    })
    expect(answer).not.toHaveProperty('client_id')
  })

  it('sets exp from expiresInSec, and the token turns inactive when the clock passes it', () => {
    const token = issuer.issueOpaque({}, { expiresInSec: 10 })
    expect(issuer.introspect(token)).toMatchObject({ active: true, exp: clock / 1000 + 10 })
    clock += 9_999
    expect(issuer.introspect(token).active).toBe(true)
    clock += 1
    expect(issuer.introspect(token)).toEqual({ active: false })
  })

  it('issues expired tokens for a negative expiresInSec', () => {
    expect(issuer.introspect(issuer.issueOpaque({}, { expiresInSec: -1 }))).toEqual({
      active: false,
    })
  })

  it('is inactive before nbf and active from nbf on', () => {
    const nbf = clock / 1000 + 5
    const token = issuer.issueOpaque({ nbf })
    expect(issuer.introspect(token)).toEqual({ active: false })
    clock += 5_000
    expect(issuer.introspect(token)).toMatchObject({ active: true, nbf })
  })

  it('marks refresh tokens with token_type refresh_token', () => {
    const token = issuer.issueOpaque({}, { tokenType: 'refresh_token' })
    expect(issuer.introspect(token).token_type).toBe('refresh_token')
  })

  it('keeps a __proto__ claim as a plain claim', () => {
    const claims = JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown>
    const answer = issuer.introspect(issuer.issueOpaque(claims))
    expect(Object.hasOwn(answer, '__proto__')).toBe(true)
    expect(JSON.stringify(answer)).toContain('"__proto__":{"admin":true}')
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })

  it('answers a fresh object each time, so changing one answer changes nothing', () => {
    const token = issuer.issueOpaque({ scope: 'a' })
    const first = issuer.introspect(token) as Record<string, unknown>
    first.scope = 'admin'
    expect(issuer.introspect(token).scope).toBe('a')
    const inactive = issuer.introspect('unknown') as Record<string, unknown>
    inactive.active = true
    expect(issuer.introspect('unknown')).toEqual({ active: false })
  })

  it('rejects unknown options, a bad tokenType, a non-finite lifetime and an active claim', () => {
    expect(() => issuer.issueOpaque({}, { expiresIn: 5 } as OpaqueOptions)).toThrow(TypeError)
    expect(() => issuer.issueOpaque({}, { expiresIn: 5 } as OpaqueOptions)).toThrow(
      errorLike(TypeError, /unknown issueOpaque option "expiresIn"/),
    )
    expect(() => issuer.issueOpaque({}, { tokenType: 'id_token' as never })).toThrow(RangeError)
    expect(() => issuer.issueOpaque({}, { expiresInSec: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    )
    expect(() => issuer.issueOpaque({ active: false })).toThrow(TypeError)
    expect(() => issuer.issueOpaque({ active: false })).toThrow(
      errorLike(TypeError, /active is decided by introspection/),
    )
    expect(() => issuer.issueOpaque([] as never)).toThrow(TypeError)
    expect(() => issuer.issueOpaque([] as never)).toThrow(
      errorLike(TypeError, 'claims must be an object'),
    )
  })
})

describe('TestIssuer.introspect', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256', 'PS256'] })
  })

  it('answers a JWT the issuer signed with its claims and token_type Bearer', async () => {
    const token = await issuer.sign({ scope: 'a b' }, { alg: 'PS256' })
    expect(issuer.introspect(token)).toEqual({
      active: true,
      token_type: 'Bearer',
      iss: 'https://issuer.test',
      aud: 'https://api.test',
      sub: 'user-123',
      client_id: 'test-client',
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
      scope: 'a b',
    })
  })

  it('answers a JWT signed without a kid by one of its keys', async () => {
    const token = await issuer.sign({}, { alg: 'ES256', kid: null })
    expect(issuer.introspect(token).active).toBe(true)
  })

  it('answers active false to a JWT whose key was removed', async () => {
    const rotating = await createTestIssuer({ algorithms: ['ES256'] })
    const token = await rotating.sign()
    await rotating.addKey('ES256')
    rotating.removeKey(rotating.jwks().keys[0]!.kid)
    expect(rotating.introspect(token)).toEqual({ active: false })
  })

  it('answers active false to a JWT with a tampered payload, an unknown kid or another alg', async () => {
    const token = await issuer.sign({ scope: 'a' }, { alg: 'ES256' })
    const [header, , signature] = token.split('.')
    const payload = Buffer.from(JSON.stringify({ scope: 'admin' })).toString('base64url')
    expect(issuer.introspect(`${header}.${payload}.${signature}`)).toEqual({ active: false })
    const unknownKid = await issuer.sign({}, { alg: 'ES256', kid: 'no-such-key' })
    expect(issuer.introspect(unknownKid)).toEqual({ active: false })
    const otherAlg = await issuer.sign({}, { alg: 'ES256', header: { alg: 'ES384' } })
    expect(issuer.introspect(otherAlg)).toEqual({ active: false })
  })

  it.each(['', 'a.b', 'a.b.c', 'a.b.c.d', '....', 'eyJ.eyJ.', '{"alg":"ES256"}'])(
    'answers active false to the malformed token %j',
    (token) => {
      expect(issuer.introspect(token)).toEqual({ active: false })
    },
  )

  it('throws a TypeError for a token that is not a string', () => {
    expect(() => issuer.introspect(undefined as never)).toThrow(TypeError)
    expect(() => issuer.introspect(undefined as never)).toThrow(
      errorLike(TypeError, 'token must be a string'),
    )
  })
})
