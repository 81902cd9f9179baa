import { createTestIssuer, type RunningIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startApi, trust, type TestApi } from './support/api.js'

// RFC 9068: the JWT profile for OAuth 2.0 access tokens. Its §4 checks are run in the
// opt-in `profile: 'rfc9068'`; the lenient default differs only in typ, as documented.

let issuer: TestIssuer
let running: RunningIssuer
let strict: TestApi
let lenient: TestApi

beforeAll(async () => {
  issuer = await createTestIssuer({
    algorithms: ['ES256'],
    audience: 'https://api.conformance.test',
  })
  running = await issuer.listen()
  strict = await startApi({ jwt: trust(issuer, { profile: 'rfc9068' }) })
  lenient = await startApi({ jwt: trust(issuer) })
})

afterAll(async () => {
  await Promise.all([strict.close(), lenient.close()])
  await running.close()
})

const read = { scope: 'pets:read' }

async function refusal(token: string, api: TestApi = strict): Promise<string> {
  const before = api.reasons.length
  const answer = await api.get(token)
  const reason = api.reasons.length > before ? api.reasons.at(-1) : undefined
  return `${answer.outcome} ${reason ?? '-'}`.trim()
}

describe('RFC 9068 §2.1 and §4: typ', () => {
  it('[RFC9068-4-typ] accepts typ at+jwt or application/at+jwt, in any case, and refuses any other typ or none', async () => {
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT']) {
      expect((await strict.get(await issuer.sign(read, { typ }))).status, typ).toBe(200)
    }
    for (const typ of ['JWT', 'jwt', null, 'at+jwt+x', 'dpop+jwt', 'application/jwt']) {
      expect(await refusal(await issuer.sign(read, { typ })), String(typ)).toBe(
        '401 invalid_token wrong_typ',
      )
    }
  })

  it('[RFC9068-4-typ] refuses an OpenID Connect ID token presented as an access token', async () => {
    const hostile = await issuer.hostile.idToken(read)
    expect(await refusal(hostile.token)).toBe('401 invalid_token wrong_typ')
  })
})

describe('RFC 9068 §2.2: claims', () => {
  it('[RFC9068-2.2-claims] refuses a token that lacks any of iss, exp, aud, sub, client_id, iat and jti', async () => {
    expect((await strict.get(await issuer.sign(read))).status).toBe(200)
    for (const claim of ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']) {
      // Without iss no issuer is chosen: the token is refused before its claims are read.
      const reason = claim === 'iss' ? 'wrong_issuer' : 'missing_claim'
      expect(await refusal(await issuer.sign(read, { omit: [claim] })), claim).toBe(
        `401 invalid_token ${reason}`,
      )
    }
  })

  it('[RFC9068-2.2-exp] refuses a token without exp in every profile: no token lives forever', async () => {
    const { token } = await issuer.hostile.missingExp(read)
    expect(await refusal(token, strict)).toBe('401 invalid_token missing_claim')
    expect(await refusal(token, lenient)).toBe('401 invalid_token missing_claim')
  })
})

describe('RFC 9068 §4: validating JWT access tokens', () => {
  it('[RFC9068-4-issuer] requires iss to equal the configured issuer exactly', async () => {
    const url = new URL(issuer.issuer)
    for (const iss of [`${issuer.issuer}/`, `http://LOCALHOST:${url.port}`, ` ${issuer.issuer}`]) {
      expect(await refusal(await issuer.sign({ ...read, iss })), iss).toBe(
        '401 invalid_token wrong_issuer',
      )
    }
  })

  it('[RFC9068-4-audience] refuses a token whose aud does not name this resource server', async () => {
    expect(await refusal(await issuer.sign({ ...read, aud: 'https://other.test' }))).toBe(
      '401 invalid_token wrong_audience',
    )
    // Resource indicators compare as strings (RFC 8707 §2): no trailing slash added.
    expect(await refusal(await issuer.sign({ ...read, aud: `${issuer.audience}/` }))).toBe(
      '401 invalid_token wrong_audience',
    )
    const both = await issuer.sign({ ...read, aud: ['https://other.test', issuer.audience] })
    expect((await strict.get(both)).status).toBe(200)
  })

  it('[RFC9068-4-signature] verifies the signature with the keys the issuer publishes, found through its metadata', async () => {
    const own = await createTestIssuer({ algorithms: ['ES256'], audience: issuer.audience })
    const ownRunning = await own.listen()
    onTestFinished(() => ownRunning.close())
    const api = await startApi({ jwt: trust(own, { profile: 'rfc9068' }) })
    onTestFinished(() => api.close())
    expect((await api.get(await own.sign(read))).status).toBe(200)
    expect(ownRunning.requests('/.well-known/openid-configuration')).toBe(1)
    expect(ownRunning.requests('/jwks.json')).toBe(1)
    for (const hostile of [
      await own.hostile.attackerSigned(read),
      await own.hostile.algNone(read),
    ]) {
      expect((await api.get(hostile.token)).outcome, hostile.name).toBe('401 invalid_token')
    }
  })
})
