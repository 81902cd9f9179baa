import { errorLike } from '@tokenguard/test-support/errors'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, DEFAULT_TEST_ALGORITHMS } from '../src/index.js'
import type { TestAlgorithm, TestIssuer } from '../src/index.js'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

describe('createTestIssuer', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer()
  })

  it('defaults to RS256, PS256, ES256 and EdDSA with the test issuer and audience', () => {
    expect(issuer.algorithms).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA'])
    expect(issuer.algorithms).toEqual(DEFAULT_TEST_ALGORITHMS)
    expect(issuer.issuer).toBe('https://issuer.test')
    expect(issuer.audience).toBe('https://api.test')
  })

  it('publishes one public key per algorithm with kid, alg and use sig', () => {
    const { keys } = issuer.jwks()
    expect(keys.map((jwk) => jwk.alg)).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA'])
    for (const jwk of keys) {
      expect(jwk.use).toBe('sig')
      expect(jwk.kid).toMatch(/^[\w-]{16}$/)
      expect(jwk).toEqual(issuer.key(jwk.alg).publicJwk)
    }
    expect(new Set(keys.map((jwk) => jwk.kid)).size).toBe(keys.length)
    expect(keys.map((jwk) => jwk.kty)).toEqual(['RSA', 'RSA', 'EC', 'OKP'])
  })

  it('never puts a private key member in the JWKS', () => {
    for (const jwk of issuer.jwks().keys) {
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member)
      expect(Object.keys(jwk).sort()).toEqual(
        {
          RSA: ['alg', 'e', 'kid', 'kty', 'n', 'use'],
          EC: ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
          OKP: ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
        }[jwk.kty],
      )
    }
  })

  it('returns a fresh JWKS on every call, so a test that edits one cannot break the issuer', () => {
    const first = issuer.jwks()
    first.keys.pop()
    ;(first.keys[0] as { kid: string }).kid = 'edited'
    expect(issuer.jwks().keys).toHaveLength(4)
    expect(issuer.jwks().keys[0]?.kid).not.toBe('edited')
  })

  it('returns the key of the first algorithm from key() and extractable key pairs', () => {
    const key = issuer.key()
    expect(key.alg).toBe('RS256')
    expect(key.kid).toBe(key.publicJwk.kid)
    expect(key.privateKey.type).toBe('private')
    expect(key.privateKey.extractable).toBe(true)
    expect(key.publicKey.type).toBe('public')
  })

  it('uses the configured algorithms, issuer, audience and clock', async () => {
    const custom = await createTestIssuer({
      algorithms: ['ES384', 'ES256'],
      issuer: 'https://login.example',
      audience: 'urn:example:api',
      defaultExpiresInSec: 60,
      now: () => 1_700_000_000_500,
    })
    expect(custom.algorithms).toEqual(['ES384', 'ES256'])
    const { payload, protectedHeader } = await jwtVerify(
      await custom.sign(),
      createLocalJWKSet(custom.jwks()),
      { currentDate: new Date(1_700_000_000_000) },
    )
    expect(protectedHeader.alg).toBe('ES384')
    expect(payload).toMatchObject({
      iss: 'https://login.example',
      aud: 'urn:example:api',
      iat: 1_700_000_000,
      exp: 1_700_000_060,
    })
  })

  it('rejects bad options at creation with a message that says what to fix', async () => {
    await expect(createTestIssuer({ algorithms: [] })).rejects.toThrow(TypeError)
    await expect(createTestIssuer({ algorithms: [] })).rejects.toThrow(
      errorLike(TypeError, '@tokenguard/test-tokens: algorithms must be a non-empty array'),
    )
    await expect(createTestIssuer({ algorithms: ['HS256' as TestAlgorithm] })).rejects.toThrow(
      RangeError,
    )
    await expect(createTestIssuer({ algorithms: ['HS256' as TestAlgorithm] })).rejects.toThrow(
      errorLike(RangeError, /unsupported algorithm "HS256"/),
    )
    await expect(createTestIssuer({ algorithms: ['ES256', 'ES256'] })).rejects.toThrow(RangeError)
    await expect(createTestIssuer({ algorithms: ['ES256', 'ES256'] })).rejects.toThrow(
      errorLike(RangeError, /must not repeat/),
    )
    await expect(createTestIssuer({ issuer: '' })).rejects.toThrow(TypeError)
    await expect(createTestIssuer({ issuer: '' })).rejects.toThrow(
      errorLike(TypeError, /issuer must be a non-empty/),
    )
    await expect(createTestIssuer({ defaultExpiresInSec: 0 })).rejects.toThrow(RangeError)
    const typo = { expiresInSec: 60 } as unknown as Parameters<typeof createTestIssuer>[0]
    await expect(createTestIssuer(typo)).rejects.toThrow(TypeError)
    await expect(createTestIssuer(typo)).rejects.toThrow(
      errorLike(TypeError, /unknown createTestIssuer option "expiresInSec"/),
    )
  })
})

describe('TestIssuer.addKey', () => {
  it('adds a key to the JWKS and signs with it from then on', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const old = issuer.key()
    const added = await issuer.addKey('ES256', { kid: 'rotated-1' })
    expect(added.kid).toBe('rotated-1')
    expect(issuer.jwks().keys.map((jwk) => jwk.kid)).toEqual([old.kid, 'rotated-1'])
    expect(issuer.key()).toBe(added)
    const { protectedHeader } = await jwtVerify(
      await issuer.sign(),
      createLocalJWKSet(issuer.jwks()),
    )
    expect(protectedHeader.kid).toBe('rotated-1')
  })

  it('adds a new algorithm to the issuer', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    await issuer.addKey('EdDSA')
    expect(issuer.algorithms).toEqual(['ES256', 'EdDSA'])
    const token = await issuer.sign({}, { alg: 'EdDSA' })
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks()))
    expect(protectedHeader.alg).toBe('EdDSA')
  })

  it('refuses a kid that is already taken', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    await expect(issuer.addKey('ES256', { kid: issuer.key().kid })).rejects.toThrow(RangeError)
    await expect(issuer.addKey('ES256', { kid: issuer.key().kid })).rejects.toThrow(
      errorLike(RangeError, /already exists/),
    )
  })
})

describe('TestIssuer.removeKey', () => {
  it('removes the key from the JWKS so its tokens no longer verify', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    const old = issuer.key()
    const oldToken = await issuer.sign()
    await issuer.addKey('ES256')
    issuer.removeKey(old.kid)
    expect(issuer.jwks().keys.map((jwk) => jwk.kid)).not.toContain(old.kid)
    await expect(jwtVerify(oldToken, createLocalJWKSet(issuer.jwks()))).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    })
    await expect(
      jwtVerify(await issuer.sign(), createLocalJWKSet(issuer.jwks())),
    ).resolves.toBeDefined()
  })

  it('leaves an algorithm without a key unable to sign, and says how to fix it', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    issuer.removeKey(issuer.key().kid)
    expect(issuer.jwks().keys).toEqual([])
    await expect(issuer.sign()).rejects.toThrow(RangeError)
    await expect(issuer.sign()).rejects.toThrow(
      errorLike(RangeError, 'the issuer has no ES256 key; call addKey'),
    )
  })

  it('throws for a kid the issuer does not have', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] })
    expect(() => issuer.removeKey('nope')).toThrow(RangeError)
    expect(() => issuer.removeKey('nope')).toThrow(errorLike(RangeError, 'no key has kid "nope"'))
  })
})
