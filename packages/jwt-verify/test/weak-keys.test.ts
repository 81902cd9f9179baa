import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { oauthErrorHandler } from '@tokenguard/core'
import request from 'supertest'
import { describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { createJwtVerifier, jwtBearer, type JwksCacheEvents } from '../src/index.js'

// A JWKS key with RSA exponent 1 lets anyone forge tokens: s^1 mod n = s, so the padded
// digest itself (RFC 8017 §9.2, EMSA-PKCS1-v1_5) is a valid signature. Only odd exponents of
// at least 65537 are trusted (RFC 8017 §3.1 allows 3, but small exponents have a history of
// forgeries); other keys are skipped, and the refresh event says which and why.

const ISSUER = 'https://issuer.test'
const AUDIENCE = 'https://api.test'
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const strong = { ...publicKey.export({ format: 'jwk' }), kid: 'strong', alg: 'RS256', use: 'sig' }
const weak = (kid: string, e: string) => ({ ...strong, kid, e })

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const claims = () => {
  const now = Math.floor(Date.now() / 1000)
  return { iss: ISSUER, aud: AUDIENCE, sub: 'mallory', iat: now, exp: now + 300 }
}

/** An RS256 token for a key of exponent 1: its "signature" is the padded digest, no key needed. */
function forgeForExponentOne(kid: string): string {
  const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid })}.${b64(claims())}`
  const digest = createHash('sha256').update(input).digest()
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    digest,
  ])
  const padding = Buffer.alloc(256 - digestInfo.length - 3, 0xff)
  const encoded = Buffer.concat([Buffer.from([0, 1]), padding, Buffer.from([0]), digestInfo])
  return `${input}.${encoded.toString('base64url')}`
}

function signStrong(): string {
  const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'strong' })}.${b64(claims())}`
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}

describe('RSA keys of a JWKS', () => {
  it('skips keys whose exponent is 1, 3 or even, says why in the refresh event, and refuses a token forged for exponent 1', async () => {
    const keys = [strong, weak('e1', 'AQ'), weak('e3', 'Aw'), weak('even', 'AQAC')]
    const jwks = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ keys }))
    })
    onTestFinished(() => jwks.close())
    const verifier = createJwtVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: `${jwks.url}/jwks.json`,
    })
    const refreshes: JwksCacheEvents['refresh'][] = []
    verifier.jwks.get(ISSUER)!.on('refresh', (event) => refreshes.push(event))
    const app = await serve(
      frameworks[0]!.app([jwtBearer({ verifier, realm: 'api' }), echoAuth], [oauthErrorHandler()]),
    )
    onTestFinished(() => app.close())

    const good = await request(app.url).get('/pets').set('Authorization', `Bearer ${signStrong()}`)
    expect(good.status).toBe(200)
    const forged = await request(app.url)
      .get('/pets')
      .set('Authorization', `Bearer ${forgeForExponentOne('e1')}`)
    expect(forged.status).toBe(401)
    expect(forged.headers['www-authenticate']).toContain('error="invalid_token"')
    expect(refreshes[0]).toMatchObject({ keyCount: 1, skippedCount: 3 })
    expect(refreshes[0]!.skipped).toEqual([
      { kid: 'e1', reason: 'RSA exponent under 65537' },
      { kid: 'e3', reason: 'RSA exponent under 65537' },
      { kid: 'even', reason: 'RSA exponent is even' },
    ])
  })
})
