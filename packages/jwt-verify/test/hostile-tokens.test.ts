import {
  constants,
  createHmac,
  generateKeyPairSync,
  KeyObject,
  sign as cryptoSign,
} from 'node:crypto'
import { OAuthError } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { beforeAll, describe, expect, it } from 'vitest'
import type { FetchLike } from '@tokenguard/core'
import { createJwtVerifier, type JwtVerifier } from '../src/index.js'
import { b64, decode, forge } from './support/forge.js'

let issuer: TestIssuer
let verifier: JwtVerifier
let fetches = 0

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://issuer.test', audience: 'https://api.test' })
  const fetch: FetchLike = () => {
    fetches++
    return Promise.resolve(Response.json(issuer.jwks()))
  }
  verifier = createJwtVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: 'https://issuer.test/jwks.json',
    fetch,
  })
  await verifier.hydrate()
})

async function outcome(token: string): Promise<string> {
  try {
    await verifier.verify(token)
    return 'accepted'
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
    expect(error.message).not.toContain(token)
    return `${error.status} ${error.code ?? '-'} ${error.reason}`
  }
}

function claims(extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000)
  return {
    iss: issuer.issuer,
    aud: issuer.audience,
    sub: 'attacker',
    iat: now,
    exp: now + 300,
    ...extra,
  }
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })

/** Signs header.payload with a key the attacker holds. */
function attackerSign(header: Record<string, unknown>, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}

describe('createJwtVerifier against hostile tokens', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'refuses alg %s, with or without a signature',
    async (alg) => {
      const kid = issuer.key().kid
      expect(await outcome(forge({ alg, kid, typ: 'at+jwt' }, claims()))).toBe(
        '401 invalid_token malformed_token',
      )
      expect(await outcome(forge({ alg, kid }, claims(), 'c2ln'))).toBe(
        '401 invalid_token alg_not_allowed',
      )
    },
  )

  it('refuses an empty signature on an RS256 header', async () => {
    expect(await outcome(forge({ alg: 'RS256', kid: issuer.key().kid }, claims()))).toBe(
      '401 invalid_token malformed_token',
    )
  })

  it('refuses HS256 signed with the public key, as PEM and as JWK', async () => {
    const key = issuer.key('RS256')
    const publicPem = KeyObject.from(key.publicKey)
      .export({ type: 'spki', format: 'pem' })
      .toString()
    for (const secret of [publicPem, JSON.stringify(key.publicJwk)]) {
      const input = `${b64({ alg: 'HS256', kid: key.kid })}.${b64(claims())}`
      const mac = createHmac('sha256', secret).update(input).digest('base64url')
      expect(await outcome(`${input}.${mac}`)).toBe('401 invalid_token alg_not_allowed')
    }
  })

  it.each(['jwk', 'jku', 'x5u', 'x5c'])(
    'refuses a token carrying its own key in %s',
    async (name) => {
      const values: Record<string, unknown> = {
        jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
        jku: 'https://attacker.test/jwks',
        x5u: 'https://attacker.test/cert.pem',
        x5c: ['MIIB'],
      }
      const token = attackerSign(
        { alg: 'RS256', kid: issuer.key('RS256').kid, [name]: values[name] },
        claims(),
      )
      expect(await outcome(token)).toBe('401 invalid_token embedded_key')
    },
  )

  it('refuses a token signed by an unknown key, without fetching per token', async () => {
    const before = fetches
    for (let i = 0; i < 50; i++) {
      const token = attackerSign({ alg: 'RS256', kid: `attacker-${i}` }, claims())
      expect(await outcome(token)).toBe('401 invalid_token unknown_kid')
    }
    expect(fetches - before).toBeLessThanOrEqual(1)
  })

  it('refuses a validly signed token with an unknown crit extension', async () => {
    const token = await issuer.sign({}, { header: { crit: ['exp'], exp: 1 } })
    expect(await outcome(token)).toBe('401 invalid_token unsupported_crit')
  })

  it('refuses an attacker-signed token that reuses a known kid', async () => {
    const token = attackerSign({ alg: 'RS256', kid: issuer.key('RS256').kid }, claims())
    expect(await outcome(token)).toBe('401 invalid_token bad_signature')
  })

  it('refuses a token whose alg does not fit the key its kid names', async () => {
    const token = await issuer.sign({}, { alg: 'ES256' })
    const { payload } = decode(token)
    const swapped = `${b64({ alg: 'RS256', kid: issuer.key('ES256').kid })}.${b64(payload)}.${token.split('.')[2]}`
    expect(await outcome(swapped)).toBe('401 invalid_token alg_not_allowed')
  })

  it('refuses an ES256 signature in DER form instead of the raw 64 bytes', async () => {
    const key = issuer.key('ES256')
    const input = `${b64({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })}.${b64(claims())}`
    const der = cryptoSign('sha256', Buffer.from(input), KeyObject.from(key.privateKey))
    expect(await outcome(`${input}.${der.toString('base64url')}`)).toBe(
      '401 invalid_token bad_signature',
    )
    const raw = cryptoSign('sha256', Buffer.from(input), {
      key: KeyObject.from(key.privateKey),
      dsaEncoding: 'ieee-p1363',
    })
    expect(await outcome(`${input}.${raw.toString('base64url')}`)).toBe('accepted')
  })

  it('refuses a PS256 signature made with another salt length', async () => {
    const key = issuer.key('PS256')
    const input = `${b64({ alg: 'PS256', kid: key.kid })}.${b64(claims())}`
    const privateKey = KeyObject.from(key.privateKey)
    const salted = (saltLength: number) =>
      cryptoSign('sha256', Buffer.from(input), {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength,
      })
    expect(await outcome(`${input}.${salted(0).toString('base64url')}`)).toBe(
      '401 invalid_token bad_signature',
    )
    expect(await outcome(`${input}.${salted(32).toString('base64url')}`)).toBe('accepted')
  })

  it.each([
    ['padding', (t: string) => `${t}==`],
    ['standard base64 characters', (t: string) => t.replace(/-/g, '+').replace(/_/g, '/') + '+'],
    ['stray bits in the last signature character', (t: string) => flipLastBits(t)],
    ['whitespace', (t: string) => t.replace('.', ' .')],
    ['a missing part', (t: string) => t.split('.').slice(0, 2).join('.')],
    ['an extra part', (t: string) => `${t}.AAAA`],
    ['five parts, as a JWE', (t: string) => `${t}.AAAA.AAAA`],
  ])('refuses a token with %s', async (_name, mangle) => {
    const token = await issuer.sign()
    expect(await outcome(mangle(token))).toBe('401 invalid_token malformed_token')
  })

  it.each([
    ['a header that is not JSON', 'not json'],
    ['a header that is an array', '[]'],
    ['a header that is null', 'null'],
    ['a header in invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ])('refuses %s', async (_name, header) => {
    expect(await outcome(`${b64(header)}.${b64(claims())}.c2ln`)).toBe(
      '401 invalid_token malformed_token',
    )
  })

  it.each([
    ['an array', []],
    ['a string', 'claims'],
    ['a number', 42],
  ])('refuses a payload that is %s', async (_name, payload) => {
    expect(await outcome(forge({ alg: 'RS256', kid: issuer.key().kid }, payload, 'c2ln'))).toBe(
      '401 invalid_token malformed_token',
    )
  })

  it('refuses an oversized header and an oversized token before any crypto', async () => {
    const bigHeader = await issuer.sign({}, { header: { pad: 'x'.repeat(3_000) } })
    expect(await outcome(bigHeader)).toBe('401 invalid_token malformed_token')
    const bigToken = await issuer.sign({ pad: 'x'.repeat(20_000) })
    expect(await outcome(bigToken)).toBe('401 invalid_token token_too_large')
  })

  it('does not let __proto__ in the claims pollute objects', async () => {
    const token = await issuer.sign(
      JSON.parse('{"__proto__": {"polluted": true}, "scope": "a"}') as Record<string, unknown>,
    )
    const auth = await verifier.verify(token)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(auth.scopes).toEqual(['a'])
  })

  it('refuses a kid that is not a short string', async () => {
    expect(await outcome(forge({ alg: 'RS256', kid: 42 }, claims(), 'c2ln'))).toBe(
      '401 invalid_token malformed_token',
    )
    expect(await outcome(forge({ alg: 'RS256', kid: 'k'.repeat(300) }, claims(), 'c2ln'))).toBe(
      '401 invalid_token malformed_token',
    )
  })
})

function flipLastBits(token: string): string {
  const last = token.at(-1) ?? 'A'
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const index = alphabet.indexOf(last)
  return token.slice(0, -1) + (alphabet[index ^ 1] ?? 'B')
}
