import { errorLike } from '@tokenguard/test-support/errors'
import { webcrypto } from 'node:crypto'
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, TEST_ALGORITHMS } from '../src/index.js'
import type { JWTVerifyOptions } from 'jose'
import type { SignOptions, TestIssuer, TestKey } from '../src/index.js'

// An oracle independent of the signer: Web Crypto verifies the raw JWS signature.
async function signatureHolds(token: string, key: TestKey): Promise<boolean> {
  const [header = '', payload = '', signature = ''] = token.split('.')
  const bits = Number(key.alg.slice(2))
  const params = key.alg.startsWith('PS')
    ? { name: 'RSA-PSS', saltLength: bits / 8 }
    : key.alg.startsWith('ES')
      ? { name: 'ECDSA', hash: `SHA-${bits}` }
      : { name: key.publicKey.algorithm.name }
  return webcrypto.subtle.verify(
    params,
    key.publicKey,
    Buffer.from(signature, 'base64url'),
    Buffer.from(`${header}.${payload}`),
  )
}

describe('TestIssuer.sign', () => {
  let issuer: TestIssuer
  const now = 1_800_000_000_000

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: TEST_ALGORITHMS, now: () => now })
  })

  const verify = (token: string, options: JWTVerifyOptions = { typ: 'at+jwt' }) =>
    jwtVerify(token, createLocalJWKSet(issuer.jwks()), {
      issuer: 'https://issuer.test',
      audience: 'https://api.test',
      currentDate: new Date(now),
      ...options,
    })

  it.each(TEST_ALGORITHMS)('mints %s tokens that jose verifies against the JWKS', async (alg) => {
    const { protectedHeader } = await verify(await issuer.sign({}, { alg }), {
      algorithms: [alg],
      typ: 'at+jwt',
    })
    expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: issuer.key(alg).kid })
  })

  it('signs with the first algorithm by default', async () => {
    expect(decodeProtectedHeader(await issuer.sign()).alg).toBe('RS256')
  })

  it('sets the RFC 9068 default claims and no scope', async () => {
    const { payload } = await verify(await issuer.sign())
    expect(payload).toEqual({
      iss: 'https://issuer.test',
      aud: 'https://api.test',
      sub: 'user-123',
      client_id: 'test-client',
      iat: now / 1000,
      exp: now / 1000 + 300,
      jti: expect.stringMatching(/^[\w-]{16,}$/),
    })
  })

  it('gives every token a different jti', async () => {
    const tokens = await Promise.all([issuer.sign(), issuer.sign(), issuer.sign()])
    expect(new Set(tokens.map((token) => decodeJwt(token).jti)).size).toBe(3)
  })

  it('lets caller claims override the defaults and add new ones', async () => {
    const { payload } = await verify(
      await issuer.sign({
        sub: 'alice',
        scope: 'pets:read pets:write',
        aud: ['https://api.test', 'x'],
      }),
    )
    expect(payload).toMatchObject({
      sub: 'alice',
      scope: 'pets:read pets:write',
      aud: ['https://api.test', 'x'],
      client_id: 'test-client',
    })
  })

  it('leaves out the default claims named in omit, and claims set to undefined', async () => {
    const payload = decodeJwt(await issuer.sign({ client_id: undefined }, { omit: ['exp', 'sub'] }))
    expect(payload).not.toHaveProperty('exp')
    expect(payload).not.toHaveProperty('sub')
    expect(payload).not.toHaveProperty('client_id')
    expect(payload.iss).toBe('https://issuer.test')
  })

  it('keeps a claim given by the caller even when omit names it', async () => {
    expect(decodeJwt(await issuer.sign({ sub: 'bob' }, { omit: ['sub'] })).sub).toBe('bob')
  })

  it('sets exp from expiresInSec, and a negative value mints an expired token', async () => {
    expect(decodeJwt(await issuer.sign({}, { expiresInSec: 10 })).exp).toBe(now / 1000 + 10)
    await expect(verify(await issuer.sign({}, { expiresInSec: -60 }))).rejects.toMatchObject({
      code: 'ERR_JWT_EXPIRED',
    })
  })

  it('reads the clock on every call', async () => {
    let clock = 1_000_000
    const ticking = await createTestIssuer({ algorithms: ['ES256'], now: () => clock })
    expect(decodeJwt(await ticking.sign()).iat).toBe(1000)
    clock += 61_000
    expect(decodeJwt(await ticking.sign()).iat).toBe(1061)
  })

  it('leaves out kid and typ when they are null, and sets other values as given', async () => {
    const bare = await issuer.sign({}, { alg: 'ES256', kid: null, typ: null })
    expect(decodeProtectedHeader(bare)).toEqual({ alg: 'ES256' })
    await expect(verify(bare, {})).resolves.toBeDefined()
    const typed = await issuer.sign({}, { alg: 'ES256', typ: 'JWT' })
    expect(decodeProtectedHeader(typed).typ).toBe('JWT')
  })

  it('signs with the key a known kid names', async () => {
    const key = issuer.key('ES384')
    const token = await issuer.sign({}, { kid: key.kid })
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES384', kid: key.kid })
    await expect(verify(token)).resolves.toBeDefined()
  })

  it('sends an unknown kid as is with the default key, so the verifier finds no key', async () => {
    const token = await issuer.sign({}, { alg: 'ES256', kid: 'no-such-key' })
    expect(decodeProtectedHeader(token).kid).toBe('no-such-key')
    expect(await signatureHolds(token, issuer.key('ES256'))).toBe(true)
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
  })

  it('signs with the key of alg when kid names a key of another algorithm', async () => {
    const token = await issuer.sign({}, { alg: 'ES256', kid: issuer.key('ES384').kid })
    expect(await signatureHolds(token, issuer.key('ES256'))).toBe(true)
    await expect(verify(token)).rejects.toThrow()
  })

  it('adds hostile header parameters and still signs validly', async () => {
    const token = await issuer.sign(
      {},
      { alg: 'ES256', header: { jku: 'https://evil.test/jwks.json', typ: 'application/at+jwt' } },
    )
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      typ: 'application/at+jwt',
      kid: issuer.key('ES256').kid,
      jku: 'https://evil.test/jwks.json',
    })
    await expect(verify(token)).resolves.toBeDefined()
  })

  it('signs a crit extension that jose accepts only when told it is understood', async () => {
    const token = await issuer.sign(
      {},
      { alg: 'ES256', header: { crit: ['urn:example:ext'], 'urn:example:ext': 1 } },
    )
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JOSE_NOT_SUPPORTED' })
    const key = issuer.key('ES256').publicKey
    await expect(
      compactVerify(token, key, { crit: { 'urn:example:ext': true } }),
    ).resolves.toBeDefined()
  })

  const refused: [string, SignOptions['header']][] = [
    ['a crit naming a missing parameter', { crit: ['urn:example:missing'] }],
    ['an empty crit', { crit: [] }],
    ['a crit that is not an array', { crit: 'exp' }],
    ['b64 false', { b64: false, crit: ['b64'] }],
    ['alg none', { alg: 'none' }],
    ['an alg other than the key', { alg: 'HS256' }],
  ]

  it.each(refused)('signs a header jose refuses (%s) with the key itself', async (_, header) => {
    for (const alg of TEST_ALGORITHMS) {
      const token = await issuer.sign({ sub: 'mallory' }, { alg, header: header ?? {} })
      const [encodedHeader, encodedPayload] = token.split('.')
      expect(JSON.parse(Buffer.from(encodedHeader!, 'base64url').toString())).toMatchObject(header!)
      expect(decodeJwt(token).sub).toBe('mallory')
      expect(encodedPayload).toMatch(/^[\w-]+$/)
      expect(await signatureHolds(token, issuer.key(alg))).toBe(true)
    }
  })

  it('removes a default header parameter set to undefined in header', async () => {
    const token = await issuer.sign(
      {},
      { alg: 'ES256', header: { typ: undefined, kid: undefined } },
    )
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256' })
  })

  it('keeps a __proto__ claim as a plain claim', async () => {
    const claims = JSON.parse('{"__proto__": {"admin": true}, "scope": "a"}') as Record<
      string,
      unknown
    >
    const token = await issuer.sign(claims, { alg: 'ES256' })
    const json = Buffer.from(token.split('.')[1]!, 'base64url').toString()
    expect(json).toContain('"__proto__":{"admin":true}')
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })

  it('rejects unknown options, algorithms and a non-finite lifetime', async () => {
    await expect(issuer.sign({}, { expiresIn: 5 } as SignOptions)).rejects.toThrow(TypeError)
    await expect(issuer.sign({}, { expiresIn: 5 } as SignOptions)).rejects.toThrow(
      errorLike(TypeError, /unknown sign option "expiresIn"/),
    )
    await expect(issuer.sign({}, { alg: 'none' as never })).rejects.toThrow(RangeError)
    await expect(issuer.sign({}, { alg: 'none' as never })).rejects.toThrow(
      errorLike(RangeError, /unsupported alg "none"/),
    )
    await expect(issuer.sign({}, { expiresInSec: Number.NaN })).rejects.toThrow(RangeError)
  })
})
