import { errorLike } from '@tokenguard/test-support/errors'
import { createHmac, KeyObject, webcrypto } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer } from '../src/index.js'
import type { HostileToken, TestIssuer, TestKey } from '../src/index.js'

interface Decoded {
  readonly header: Record<string, unknown>
  readonly payload: Record<string, unknown>
  readonly signature: string
  readonly parts: number
}

// Decodes leniently (Node accepts padding, stray bits and both alphabets), as a careless
// server would: the point of most hostile tokens is that this much still works.
function decode(token: string): Decoded {
  const segments = token.split('.')
  const json = (segment = '') =>
    JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>
  return {
    header: json(segments[0]),
    payload: json(segments[1]),
    signature: segments[2] ?? '',
    parts: segments.length,
  }
}

// An oracle independent of the signer: Web Crypto checks the signature over the token's
// own text, decoding the signature leniently.
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
    Buffer.from(`${header}.${payload}`, 'latin1'),
  )
}

const CLAIMS = { scope: 'pets:read' }

describe('TestIssuer.hostile', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] })
  })

  // The issuer's real iss and aud, a future exp and the caller's claims: only the hostile
  // part of a token can get it refused.
  function expectIssuerClaims(payload: Record<string, unknown>): void {
    expect(payload).toMatchObject({ iss: issuer.issuer, aud: issuer.audience, ...CLAIMS })
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000 + 60)
  }

  it('mints alg none with an empty signature over the issuer claims', async () => {
    const hostile = await issuer.hostile.algNone(CLAIMS)
    const { header, payload, signature, parts } = decode(hostile.token)
    expect(hostile).toMatchObject({
      name: 'alg-none',
      expect: { status: 401, error: 'invalid_token' },
    })
    expect(header).toEqual({ alg: 'none', typ: 'at+jwt', kid: issuer.key().kid })
    expect([parts, signature]).toEqual([3, ''])
    expectIssuerClaims(payload)
  })

  it('spells none in three other cases and keeps a real signature behind alg none', async () => {
    const variants = await issuer.hostile.algNoneVariants(CLAIMS)
    expect(variants.map((variant) => variant.name)).toEqual([
      'alg-none-None',
      'alg-none-NONE',
      'alg-none-nOnE',
      'alg-none-signature-kept',
    ])
    const decoded = variants.map((variant) => decode(variant.token))
    expect(decoded.map(({ header }) => header.alg)).toEqual(['None', 'NONE', 'nOnE', 'none'])
    expect(decoded.map(({ signature }) => signature.length > 0)).toEqual([
      false,
      false,
      false,
      true,
    ])
    for (const { payload } of decoded) expectIssuerClaims(payload)
  })

  it('empties, strips or cuts short the signature of an otherwise valid token', async () => {
    const realLength = (await issuer.sign()).split('.')[2]?.length ?? 0
    const empty = await issuer.hostile.emptySignature(CLAIMS)
    const stripped = await issuer.hostile.signatureStripped(CLAIMS)
    const truncated = await issuer.hostile.truncated(CLAIMS)
    expect(empty.token).toMatch(/^[\w-]+\.[\w-]+\.$/)
    expect(stripped.token).toMatch(/^[\w-]+\.[\w-]+$/)
    expect(decode(truncated.token).signature).toHaveLength(realLength - 10)
    for (const { token } of [empty, stripped, truncated]) {
      expect(decode(token).header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: issuer.key().kid })
      expectIssuerClaims(decode(token).payload)
    }
  })

  it('MACs HS256 with the public key, as PEM and as the published JWK', async () => {
    const tokens = await issuer.hostile.hs256WithPublicKey(CLAIMS)
    const key = issuer.key()
    const pem = KeyObject.from(key.publicKey).export({ type: 'spki', format: 'pem' }).toString()
    const secrets = [pem, JSON.stringify(key.publicJwk)]
    expect(tokens.map((token) => token.name)).toEqual([
      'hs256-public-key-pem',
      'hs256-public-key-jwk',
    ])
    tokens.forEach(({ token }, index) => {
      const input = token.slice(0, token.lastIndexOf('.'))
      const mac = createHmac('sha256', secrets[index] ?? '')
        .update(input)
        .digest('base64url')
      expect(token).toBe(`${input}.${mac}`)
      expect(decode(token).header).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
      expectIssuerClaims(decode(token).payload)
    })
  })

  it('signs an embedded-jwk token with the attacker key the header carries', async () => {
    const attacker = await issuer.hostile.attackerKey()
    const { token } = await issuer.hostile.embeddedJwk(CLAIMS)
    const { header, payload } = decode(token)
    expect(header).toEqual({
      alg: 'RS256',
      typ: 'at+jwt',
      kid: attacker.kid,
      jwk: { ...attacker.publicJwk },
    })
    expect(await signatureHolds(token, attacker)).toBe(true)
    expect(await signatureHolds(token, issuer.key())).toBe(false)
    expectIssuerClaims(payload)
  })

  it('points jku at a JWKS that holds the attacker key, or at the url given', async () => {
    const attacker = await issuer.hostile.attackerKey()
    const { token } = await issuer.hostile.jku(CLAIMS)
    const { header } = decode(token)
    const served: unknown = await (await fetch(String(header.jku))).json()
    expect(served).toEqual({ keys: [{ ...attacker.publicJwk }] })
    expect(await signatureHolds(token, attacker)).toBe(true)
    const custom = await issuer.hostile.jku(CLAIMS, { url: 'https://attacker.test/jwks.json' })
    expect(decode(custom.token).header.jku).toBe('https://attacker.test/jwks.json')
  })

  it('points x5u at the attacker, on a host that never resolves unless a url is given', async () => {
    const attacker = await issuer.hostile.attackerKey()
    const { token } = await issuer.hostile.x5u(CLAIMS)
    expect(decode(token).header).toMatchObject({
      kid: attacker.kid,
      x5u: 'https://attacker.invalid/cert.pem',
    })
    expect(await signatureHolds(token, attacker)).toBe(true)
    const custom = await issuer.hostile.x5u({}, { url: 'https://attacker.test/cert.pem' })
    expect(decode(custom.token).header.x5u).toBe('https://attacker.test/cert.pem')
  })

  it('refuses an unknown option of jku and x5u', async () => {
    const typo = { uri: 'https://x.test' } as unknown as { url: string }
    await expect(issuer.hostile.jku({}, typo)).rejects.toThrow(TypeError)
    await expect(issuer.hostile.jku({}, typo)).rejects.toThrow(
      errorLike(TypeError, /unknown jku option "uri"/),
    )
    await expect(issuer.hostile.x5u({}, typo)).rejects.toThrow(TypeError)
    await expect(issuer.hostile.x5u({}, typo)).rejects.toThrow(
      errorLike(TypeError, /unknown x5u option "uri"/),
    )
  })

  it('signs unknown-kid and attacker-signed tokens with a key the issuer does not publish', async () => {
    const attacker = await issuer.hostile.attackerKey()
    const published = issuer.jwks().keys.map((key) => key.kid)
    const unknown = await issuer.hostile.unknownKid(CLAIMS)
    const reused = await issuer.hostile.attackerSigned(CLAIMS)
    expect(published).not.toContain(attacker.kid)
    expect(decode(unknown.token).header.kid).toBe(attacker.kid)
    expect(decode(reused.token).header).toEqual({
      alg: 'RS256',
      typ: 'at+jwt',
      kid: issuer.key().kid,
    })
    for (const { token } of [unknown, reused]) {
      expect(await signatureHolds(token, attacker)).toBe(true)
      expect(await signatureHolds(token, issuer.key())).toBe(false)
      expectIssuerClaims(decode(token).payload)
    }
  })

  it('keeps one attacker key per algorithm', async () => {
    const first = await issuer.hostile.attackerKey('ES256')
    expect(await issuer.hostile.attackerKey('ES256')).toBe(first)
    expect(first.alg).toBe('ES256')
    expect((await issuer.hostile.attackerKey()).alg).toBe('RS256')
  })

  it('signs claim cases with the issuer key, changing only the claim at stake', async () => {
    const now = Math.floor(Date.now() / 1000)
    const cases = {
      wrongIssuer: await issuer.hostile.wrongIssuer(CLAIMS),
      wrongAudience: await issuer.hostile.wrongAudience(CLAIMS),
      expired: await issuer.hostile.expired(CLAIMS),
      notYetValid: await issuer.hostile.notYetValid(CLAIMS),
      missingExp: await issuer.hostile.missingExp(CLAIMS),
    }
    for (const { token } of Object.values(cases)) {
      expect(await signatureHolds(token, issuer.key())).toBe(true)
      expect(decode(token).header.typ).toBe('at+jwt')
      expect(decode(token).payload).toMatchObject(CLAIMS)
    }
    const payload = (name: keyof typeof cases) => decode(cases[name].token).payload
    expect(payload('wrongIssuer')).toMatchObject({
      iss: 'https://attacker.invalid',
      aud: issuer.audience,
    })
    expect(payload('wrongAudience')).toMatchObject({
      iss: issuer.issuer,
      aud: 'https://other-api.invalid',
    })
    expect(payload('expired').exp).toBeLessThanOrEqual(now - 3600 + 1)
    expect(payload('expired').iat).toBeLessThan(payload('expired').exp as number)
    expect(payload('notYetValid').nbf).toBeGreaterThanOrEqual(now + 3600)
    expect(payload('notYetValid').exp).toBeGreaterThan(payload('notYetValid').nbf as number)
    expect(payload('missingExp')).not.toHaveProperty('exp')
    expect(payload('missingExp')).toMatchObject({ iss: issuer.issuer, aud: issuer.audience })
  })

  it('lets the claim at stake win over the caller claims', async () => {
    const future = Math.floor(Date.now() / 1000) + 600
    const wrongIssuer = await issuer.hostile.wrongIssuer({ iss: issuer.issuer })
    const expired = await issuer.hostile.expired({ exp: future })
    const missingExp = await issuer.hostile.missingExp({ exp: future })
    expect(decode(wrongIssuer.token).payload.iss).toBe('https://attacker.invalid')
    expect(decode(expired.token).payload.exp).toBeLessThan(future - 3600)
    expect(decode(missingExp.token).payload).not.toHaveProperty('exp')
  })

  it('marks typ JWT and an ID token strictOnly', async () => {
    const typJwt = await issuer.hostile.typJwt(CLAIMS)
    const idToken = await issuer.hostile.idToken(CLAIMS)
    expect([typJwt.strictOnly, idToken.strictOnly]).toEqual([true, true])
    expect(decode(typJwt.token).header.typ).toBe('JWT')
    expectIssuerClaims(decode(typJwt.token).payload)
    const id = decode(idToken.token)
    expect(id.header.typ).toBe('JWT')
    expect(id.payload).toMatchObject({ azp: 'test-client', nonce: expect.any(String) })
    expect(id.payload).not.toHaveProperty('client_id')
    expectIssuerClaims(id.payload)
    for (const { token } of [typJwt, idToken]) {
      expect(await signatureHolds(token, issuer.key())).toBe(true)
    }
  })

  it('adds an unknown crit extension and an 8 KiB header, both validly signed', async () => {
    const crit = await issuer.hostile.unknownCrit(CLAIMS)
    const oversized = await issuer.hostile.oversizedHeader(CLAIMS)
    expect(decode(crit.token).header).toMatchObject({
      crit: ['urn:tokenguard:hostile'],
      'urn:tokenguard:hostile': true,
    })
    expect(crit.token.indexOf('.')).toBeLessThan(2048)
    expect(oversized.token.indexOf('.')).toBeGreaterThan(8192)
    expect(oversized.token.length).toBeLessThan(16_384)
    for (const { token } of [crit, oversized]) {
      expect(await signatureHolds(token, issuer.key())).toBe(true)
      expectIssuerClaims(decode(token).payload)
    }
  })

  it('spells valid tokens in non-canonical base64url whose bytes still verify', async () => {
    const tokens = await issuer.hostile.nonCanonicalBase64(CLAIMS)
    expect(tokens.map((token) => token.name)).toEqual([
      'base64-padding',
      'base64-stray-bits',
      'base64-standard-alphabet',
    ])
    const [padding, strayBits, alphabet] = tokens.map((hostile) => hostile.token)
    expect(padding).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+=+$/)
    expect(strayBits).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(alphabet).toMatch(/[+/]/)
    expect(alphabet).not.toMatch(/[-_]/)
    for (const token of [padding, strayBits, alphabet] as string[]) {
      expect(await signatureHolds(token, issuer.key())).toBe(true)
      expectIssuerClaims(decode(token).payload)
      const signature = token.split('.')[2] ?? ''
      const canonical = Buffer.from(signature, 'base64url').toString('base64url')
      if (token !== alphabet) expect(signature).not.toBe(canonical)
    }
  })

  it('puts the stray bits in the payload when an ES384 signature has none to spare', async () => {
    const es384 = await createTestIssuer({ algorithms: ['ES384'] })
    const [, strayBits] = await es384.hostile.nonCanonicalBase64(CLAIMS)
    const [, payload = '', signature = ''] = strayBits?.token.split('.') ?? []
    expect(signature).toHaveLength(128)
    expect(payload).not.toBe(Buffer.from(payload, 'base64url').toString('base64url'))
    expect(await signatureHolds(strayBits?.token ?? '', es384.key())).toBe(true)
    expect(decode(strayBits?.token ?? '').payload).toMatchObject(CLAIMS)
  })

  it('puts a space in a valid token and expects 400 invalid_request', async () => {
    const hostile = await issuer.hostile.whitespace(CLAIMS)
    expect(hostile.token).toMatch(/^[\w-]+ \.[\w-]+\.[\w-]+$/)
    expect(hostile.expect).toEqual({ status: 400, error: 'invalid_request' })
    expect(await signatureHolds(hostile.token.replace(' ', ''), issuer.key())).toBe(true)
  })

  it('writes descriptions that never contain the token', async () => {
    for (const hostile of await issuer.hostile.all(CLAIMS, { strict: true })) {
      expect(hostile.description.length).toBeGreaterThan(20)
      expect(hostile.description).not.toContain(hostile.token.slice(0, 20))
    }
  })
})

describe('TestIssuer.hostile.all', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
  })

  const LENIENT = [
    'alg-none',
    'alg-none-None',
    'alg-none-NONE',
    'alg-none-nOnE',
    'alg-none-signature-kept',
    'empty-signature',
    'signature-stripped',
    'truncated',
    'hs256-public-key-pem',
    'hs256-public-key-jwk',
    'embedded-jwk',
    'jku',
    'x5u',
    'unknown-kid',
    'attacker-signed',
    'wrong-issuer',
    'wrong-audience',
    'expired',
    'not-yet-valid',
    'missing-exp',
    'unknown-crit',
    'base64-padding',
    'base64-stray-bits',
    'base64-standard-alphabet',
    'oversized-header',
    'whitespace',
  ]

  it('returns every case that a lenient server must refuse, once each, in a stable order', async () => {
    const tokens = await issuer.hostile.all()
    expect(tokens.map((token) => token.name)).toEqual(LENIENT)
    expect(tokens.filter((token) => token.strictOnly === true).map((token) => token.name)).toEqual(
      [],
    )
  })

  it('adds typ JWT and the ID token with strict: true', async () => {
    const tokens = await issuer.hostile.all({}, { strict: true })
    const names = tokens.map((token) => token.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual([...LENIENT.slice(0, 21), 'typ-jwt', 'id-token', ...LENIENT.slice(21)])
  })

  it('expects 401 invalid_token for every case but the malformed header', async () => {
    const answers = (await issuer.hostile.all({}, { strict: true })).map(
      (hostile: HostileToken) => `${hostile.name} ${hostile.expect.status} ${hostile.expect.error}`,
    )
    expect(answers.filter((answer) => !answer.endsWith('401 invalid_token'))).toEqual([
      'whitespace 400 invalid_request',
    ])
  })

  it('carries the caller claims in every token whose payload can be read', async () => {
    for (const { token, name } of await issuer.hostile.all({ scope: 'a b', tenant: 't1' })) {
      const payload = decode(token.replace(' ', '')).payload
      expect(payload, name).toMatchObject({ scope: 'a b', tenant: 't1' })
    }
  })

  it('mints fresh tokens on every call', async () => {
    const [first, second] = await Promise.all([issuer.hostile.all(), issuer.hostile.all()])
    expect(first?.[0]?.token).not.toBe(second?.[0]?.token)
  })
})
