import { generateKeyPairSync } from 'node:crypto'
import { createTestIssuer, type RunningIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { serve } from '@tokenguard/test-support/serve'
import { startApi, trust, type TestApi } from './support/api.js'
import { startCanary } from './support/canary.js'
import { b64, signEs256Raw, signRs256 } from './support/jws.js'

// RFC 7519 (JWT) §4.1 and §7.2, RFC 7515 (JWS), and every item of the JWT BCP (RFC 8725 §3)
// that applies to a verifier, through jwtBearer over real HTTP.

let issuer: TestIssuer
let running: RunningIssuer
let api: TestApi

beforeAll(async () => {
  issuer = await createTestIssuer({
    algorithms: ['ES256', 'RS256'],
    audience: 'https://api.conformance.test',
  })
  running = await issuer.listen()
  api = await startApi({ jwt: trust(issuer) })
})

afterAll(async () => {
  await api.close()
  await running.close()
})

const read = { scope: 'pets:read' }

/** The answer and the refusal reason the API logged for `token`. */
async function refusal(token: string, target: TestApi = api): Promise<string> {
  const before = target.reasons.length
  const answer = await target.get(token)
  const reason = target.reasons.length > before ? target.reasons.at(-1) : undefined
  return `${answer.outcome} ${reason ?? '-'}`.trim()
}

describe('RFC 7519 §7.2 and RFC 7515: the JWS structure', () => {
  it('[RFC7519-7.2-structure] refuses a token that is not three base64url parts holding a JSON object header and payload', async () => {
    const valid = await issuer.sign(read)
    const [header = '', payload = ''] = valid.split('.')
    const cases = {
      'two parts': `${header}.${payload}`,
      'four parts': `${valid}.${payload}`,
      'an empty signature': `${header}.${payload}.`,
      'a JSON array header': `${b64([])}.${payload}.c2ln`,
      'a JSON string payload': `${header}.${b64('claims')}.c2ln`,
      'a header that is not JSON': `${b64(new TextEncoder().encode('{alg:'))}.${payload}.c2ln`,
    }
    for (const [name, token] of Object.entries(cases)) {
      expect(await refusal(token), name).toBe('401 invalid_token malformed_token')
    }
  })

  it('[RFC7519-7.2-structure][RFC9068-4-encrypted] refuses a compact JWE (five parts) as malformed: tokens are never decrypted', async () => {
    const jweHeader = b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', typ: 'at+jwt' })
    const answer = await api.get(`${jweHeader}.a2V5.aXY.Y2lwaGVy.dGFn`)
    expect(answer.outcome).toBe('401 invalid_token')
    expect(answer.body).toEqual({
      error: 'invalid_token',
      error_description: 'Encrypted tokens are not accepted',
    })
  })

  it('[RFC7515-2-base64url] refuses a validly signed token spelt in non-canonical base64url', async () => {
    for (const hostile of await issuer.hostile.nonCanonicalBase64(read)) {
      const answer = await api.get(hostile.token)
      expect(answer.outcome, hostile.name).toBe(`${hostile.expect.status} ${hostile.expect.error}`)
    }
  })

  it('[RFC7515-2-base64url][RFC6750-3.1-invalid_token] answers 401 invalid_token, never 400, to a JWT spelt in standard base64 or with characters outside base64url', async () => {
    const valid = await issuer.sign(read)
    const standard = (part: string) => Buffer.from(part, 'base64url').toString('base64')
    const [header = '', payload = '', signature = ''] = valid.split('.')
    const cases = {
      'every part padded with "="': valid
        .split('.')
        .map((part) => `${part}${'='.repeat((4 - (part.length % 4)) % 4 || 1)}`)
        .join('.'),
      'every part in standard base64 with padding': valid.split('.').map(standard).join('.'),
      '"+" and "/" in the signature': `${header}.${payload}.+/${signature.slice(2)}`,
      '"=" in the middle of the payload': `${header}.${payload.slice(0, 4)}=${payload.slice(4)}.${signature}`,
      '"!", "*" and "%" in the header': `${header.slice(0, 3)}!*%${header.slice(3)}.${payload}.${signature}`,
      '"~" in the signature': `${header}.${payload}.${signature.slice(0, -1)}~`,
    }
    for (const [name, token] of Object.entries(cases)) {
      expect(await refusal(token), name).toBe('401 invalid_token malformed_token')
    }
  })

  it('[RFC8725-3.7-utf8] refuses a validly signed token whose header is not valid UTF-8', async () => {
    const key = issuer.key('ES256')
    const json = `{"alg":"ES256","typ":"at+jwt","kid":"${key.kid}","x":"a"}`
    const bytes = Buffer.from(json)
    // The "a" becomes 0xff: a lone byte that starts no UTF-8 sequence; the JSON is otherwise valid.
    bytes[bytes.length - 3] = 0xff
    const payload = { iss: issuer.issuer, aud: issuer.audience, exp: nowSec() + 300, ...read }
    expect(await refusal(await signEs256Raw(key, bytes, payload))).toBe(
      '401 invalid_token malformed_token',
    )
  })

  it('[RFC7515-4.1.11-crit] refuses a validly signed token whose crit names an extension it does not understand', async () => {
    const hostile = await issuer.hostile.unknownCrit(read)
    expect(await refusal(hostile.token)).toBe('401 invalid_token unsupported_crit')
    const critExp = await issuer.sign(read, { header: { crit: ['exp'], exp: 1 } })
    expect(await refusal(critExp)).toBe('401 invalid_token unsupported_crit')
  })
})

describe('RFC 8725 §3.1–3.3: algorithms and cryptographic validation', () => {
  it('[RFC8725-3.1-allowlist] uses only the algorithms the API allows, even for a validly signed token', async () => {
    const strict = await startApi({ jwt: trust(issuer, { algorithms: ['ES256'] }) })
    onTestFinished(() => strict.close())
    expect((await strict.get(await issuer.sign(read, { alg: 'ES256' }))).status).toBe(200)
    expect(await refusal(await issuer.sign(read, { alg: 'RS256' }), strict)).toBe(
      '401 invalid_token alg_not_allowed',
    )
  })

  it('[RFC8725-3.1-none] refuses alg none in every spelling, with or without a signature', async () => {
    const tokens = [
      await issuer.hostile.algNone(read),
      ...(await issuer.hostile.algNoneVariants(read)),
    ]
    for (const hostile of tokens) {
      expect((await api.get(hostile.token)).outcome, hostile.name).toBe('401 invalid_token')
    }
  })

  it('[RFC8725-3.1-key-alg] uses each key with its one algorithm: no HS256 keyed with the public key, no alg the key does not fit', async () => {
    for (const hostile of await issuer.hostile.hs256WithPublicKey(read)) {
      expect((await api.get(hostile.token)).outcome, hostile.name).toBe('401 invalid_token')
    }
    // Signed by the ES256 key (its kid), but the header claims ES384.
    const mislabelled = await issuer.sign(read, { alg: 'ES256', header: { alg: 'ES384' } })
    expect(await refusal(mislabelled)).toBe('401 invalid_token alg_not_allowed')
    // The RS256 key's kid with a PS256 header: its JWK names RS256 alone (RFC 7517 §4.4).
    const otherPadding = await issuer.sign(read, { alg: 'RS256', header: { alg: 'PS256' } })
    expect((await api.get(otherPadding)).outcome).toBe('401 invalid_token')
  })

  it('[RFC8725-3.2-current-algs] never trusts an RSA key under 2048 bits, even when the JWKS publishes it', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const strong = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = (key: typeof weak.publicKey, kid: string) => ({
      ...key.export({ format: 'jwk' }),
      kid,
      alg: 'RS256',
      use: 'sig',
    })
    const keys = { keys: [jwk(weak.publicKey, 'weak'), jwk(strong.publicKey, 'strong')] }
    const jwks = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(keys))
    })
    onTestFinished(() => jwks.close())
    const local = await startApi({
      jwt: { issuer: 'https://rsa.conformance.test', audience: 'api', jwksUri: `${jwks.url}/jwks` },
    })
    onTestFinished(() => local.close())
    const claims = { iss: 'https://rsa.conformance.test', aud: 'api', exp: nowSec() + 300, ...read }
    const header = (kid: string) => ({ alg: 'RS256', typ: 'at+jwt', kid })
    expect((await local.get(signRs256(strong.privateKey, header('strong'), claims))).status).toBe(
      200,
    )
    expect(await refusal(signRs256(weak.privateKey, header('weak'), claims), local)).toBe(
      '401 invalid_token unknown_kid',
    )
  })

  it('[RFC8725-3.3-validate-crypto] refuses a token whose signature does not verify over its own header and payload', async () => {
    const valid = await issuer.sign(read)
    const [header, payload, signature] = valid.split('.')
    const tampered = b64({
      ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
      scope: 'pets:read pets:admin',
    })
    const other = (await issuer.sign({ ...read, sub: 'admin' })).split('.')[2]
    expect(await refusal(`${header}.${tampered}.${signature}`)).toBe(
      '401 invalid_token bad_signature',
    )
    expect(await refusal(`${header}.${payload}.${other}`)).toBe('401 invalid_token bad_signature')
    for (const hostile of [
      await issuer.hostile.truncated(read),
      await issuer.hostile.attackerSigned(read),
    ]) {
      expect((await api.get(hostile.token)).outcome, hostile.name).toBe('401 invalid_token')
    }
  })
})

describe('RFC 8725 §3.8–3.11: issuer, audience, untrusted headers, typing', () => {
  it('[RFC8725-3.8-issuer] accepts a key only for the issuer whose JWKS publishes it, and refuses an untrusted iss', async () => {
    const other = await createTestIssuer({ algorithms: ['ES256'], audience: issuer.audience })
    const otherRunning = await other.listen()
    onTestFinished(() => otherRunning.close())
    const both = await startApi({
      jwt: {
        audience: issuer.audience,
        issuers: [{ issuer: issuer.issuer }, { issuer: other.issuer }],
      },
    })
    onTestFinished(() => both.close())
    expect((await both.get(await issuer.sign(read))).status).toBe(200)
    expect((await both.get(await other.sign(read))).status).toBe(200)
    // Claims the first issuer, signed by the second issuer's key under its own kid.
    expect(await refusal(await other.sign({ ...read, iss: issuer.issuer }), both)).toBe(
      '401 invalid_token unknown_kid',
    )
    expect(await refusal((await issuer.hostile.wrongIssuer(read)).token, both)).toBe(
      '401 invalid_token wrong_issuer',
    )
  })

  it('[RFC8725-3.9-audience] refuses a token without aud or for another audience, and accepts an aud array that names the API', async () => {
    expect(await refusal(await issuer.sign(read, { omit: ['aud'] }))).toBe(
      '401 invalid_token audience_missing',
    )
    expect(await refusal(await issuer.sign({ ...read, aud: 'https://other.test' }))).toBe(
      '401 invalid_token wrong_audience',
    )
    expect(await refusal(await issuer.sign({ ...read, aud: [] }))).toBe(
      '401 invalid_token audience_missing',
    )
    const many = await issuer.sign({ ...read, aud: ['https://other.test', issuer.audience] })
    expect((await api.get(many)).status).toBe(200)
  })

  it('[RFC8725-3.10-jku-x5u] refuses tokens that name or embed their own key, and never fetches a URL a token names', async () => {
    const canary = await startCanary()
    onTestFinished(() => canary.close())
    const tokens = [
      await issuer.hostile.jku(read, { url: `${canary.url}/jwks.json` }),
      await issuer.hostile.x5u(read, { url: `${canary.url}/cert.pem` }),
      await issuer.hostile.embeddedJwk(read),
    ]
    for (const hostile of tokens) {
      expect(await refusal(hostile.token), hostile.name).toBe('401 invalid_token embedded_key')
    }
    // The issuer's own key, a real kid, and a jku or an x5c beside them: still refused.
    for (const header of [
      { jku: `${canary.url}/k` },
      { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A'] },
    ]) {
      expect(await refusal(await issuer.sign(read, { header })), Object.keys(header)[0]).toBe(
        '401 invalid_token embedded_key',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(canary.hits()).toBe(0)
  })

  it('[RFC8725-3.11-explicit-typing] refuses a token typed as another kind of JWT, even in the lenient profile', async () => {
    for (const typ of ['dpop+jwt', 'secevent+jwt', 'logout+jwt', 'application/jwk+json']) {
      expect(await refusal(await issuer.sign(read, { typ })), typ).toBe(
        '401 invalid_token wrong_typ',
      )
    }
    // The lenient default still takes untyped and "JWT"-typed tokens from issuers that send them.
    for (const typ of ['JWT', null, 'application/at+jwt']) {
      expect((await api.get(await issuer.sign(read, { typ }))).status, String(typ)).toBe(200)
    }
  })
})

describe('RFC 7519 §4.1: time claims', () => {
  it('[RFC7519-4.1.4-exp] refuses a token whose exp has passed, or whose exp is not a NumericDate', async () => {
    expect(await refusal(await issuer.sign(read, { expiresInSec: -60 }))).toBe(
      '401 invalid_token token_expired',
    )
    expect(await refusal(await issuer.sign({ ...read, exp: String(nowSec() + 300) }))).toBe(
      '401 invalid_token malformed_token',
    )
  })

  it('[RFC7519-4.1.4-leeway] allows clockToleranceSec (default 5 s) of leeway on exp and nbf, and no more', async () => {
    // The API's clock is frozen, so the margins do not depend on how fast the test runs.
    const nowMs = Date.now()
    const now = Math.floor(nowMs / 1000)
    const frozen = await startApi({ jwt: trust(issuer, { now: () => nowMs }) })
    onTestFinished(() => frozen.close())
    expect((await frozen.get(await issuer.sign({ ...read, exp: now - 4 }))).status).toBe(200)
    expect(await refusal(await issuer.sign({ ...read, exp: now - 6 }), frozen)).toBe(
      '401 invalid_token token_expired',
    )
    expect((await frozen.get(await issuer.sign({ ...read, nbf: now + 4 }))).status).toBe(200)
    expect(await refusal(await issuer.sign({ ...read, nbf: now + 6 }), frozen)).toBe(
      '401 invalid_token token_not_yet_valid',
    )
    const none = await startApi({ jwt: trust(issuer, { now: () => nowMs, clockToleranceSec: 0 }) })
    onTestFinished(() => none.close())
    expect(await refusal(await issuer.sign({ ...read, exp: now - 1 }), none)).toBe(
      '401 invalid_token token_expired',
    )
  })

  it('[RFC7519-4.1.5-nbf] refuses a token before its nbf', async () => {
    expect(await refusal((await issuer.hostile.notYetValid(read)).token)).toBe(
      '401 invalid_token token_not_yet_valid',
    )
  })
})

describe('tokenguard rules beyond the RFCs', () => {
  it('[DESIGN-flood-bounded] fetches the JWKS at most once per cooldown under a flood of unknown-kid tokens', async () => {
    const own = await createTestIssuer({ algorithms: ['ES256'], audience: issuer.audience })
    const ownRunning = await own.listen()
    onTestFinished(() => ownRunning.close())
    const flooded = await startApi({ jwt: trust(own, { jwksOptions: { cooldownMs: 60_000 } }) })
    onTestFinished(() => flooded.close())
    expect((await flooded.get(await own.sign(read))).status).toBe(200)
    const forged = await Promise.all(
      Array.from({ length: 200 }, (_, i) => own.sign(read, { kid: `unknown-${i}` })),
    )
    const answers = await Promise.all(forged.map((token) => flooded.get(token)))
    expect(new Set(answers.map((answer) => answer.outcome))).toEqual(new Set(['401 invalid_token']))
    // The warm-up fetch, and one refetch for the first unknown kid.
    expect(ownRunning.requests('/jwks.json')).toBeLessThanOrEqual(2)
  })
})

function nowSec(): number {
  return Math.floor(Date.now() / 1000)
}
