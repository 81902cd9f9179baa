import { createHash, generateKeyPairSync } from 'node:crypto'
import { serve } from '@tokenguard/test-support/serve'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createJwksCache, createJwtVerifier, type JwksCacheEvents } from '../src/index.js'

const ISSUER = 'https://issuer.example'
const AUDIENCE = 'https://api.example'
// DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2 note 1).
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url')

/** A 2048-bit RSA modulus with the exponent given, as a JWK. */
function rsaJwk(kid: string, exponent: Buffer) {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = publicKey.export({ format: 'jwk' })
  return { ...jwk, kid, e: b64url(exponent), alg: 'RS256' }
}

/**
 * A token "signed" for a key whose exponent is 1: the signature is the PKCS #1 v1.5 encoded
 * digest itself (s^1 mod n = s), which anyone can compute without a private key.
 */
function forgedToken(kid: string): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid }))
  const now = Math.floor(Date.now() / 1000)
  const payload = b64url(
    JSON.stringify({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'mallory',
      iat: now,
      exp: now + 300,
      jti: 'x',
      client_id: 'c',
    }),
  )
  const digest = createHash('sha256').update(`${header}.${payload}`).digest()
  const t = Buffer.concat([SHA256_DIGEST_INFO, digest])
  const em = Buffer.concat([
    Buffer.from([0, 1]),
    Buffer.alloc(256 - 3 - t.length, 0xff),
    Buffer.from([0]),
    t,
  ])
  return `${header}.${payload}.${b64url(em)}`
}

describe('RSA keys with a weak public exponent', () => {
  it('skips keys whose exponent is 1, 3 or even, with the reason in the refresh event, and refuses a forged token', async () => {
    const weak = [
      rsaJwk('e1', Buffer.from([1])),
      rsaJwk('e3', Buffer.from([3])),
      rsaJwk('e-even', Buffer.from([1, 0, 0])),
    ]
    const fine = rsaJwk('e65537', Buffer.from([1, 0, 1]))
    const server = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ keys: [...weak, fine] }))
    })
    onTestFinished(() => server.close())
    const events: JwksCacheEvents['refresh'][] = []
    const jwks = createJwksCache({ jwksUri: `${server.url}/jwks.json`, allowInsecureHttp: true })
    jwks.on('refresh', (event) => events.push(event))
    await jwks.hydrate()
    expect(events[0]).toMatchObject({ keyCount: 1, skippedCount: 3 })
    const reasons = events[0]?.skipped ?? []
    expect(reasons).toHaveLength(weak.length)
    for (const [index, key] of weak.entries()) {
      expect(JSON.stringify(reasons[index])).toMatch(
        new RegExp(`${key.kid}.*(exponent|invalid key material)`, 'i'),
      )
    }
    const verifier = createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks })
    await expect(verifier.verify(forgedToken('e1'))).rejects.toMatchObject({
      status: 401,
      code: 'invalid_token',
    })
  })
})
