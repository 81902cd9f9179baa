import { oauthErrorHandler, type Middleware, type RefusalReport } from '@tokenguard/core'
import { createIntrospector, hybridBearer, introspectionBearer } from '@tokenguard/introspect'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'

// Issue 18: the client gets the RFC's answer; the operator gets, through onRefusal, why:
// the reason, the expected and received iss and aud, the kid and alg, never the token.

const AUDIENCE = 'https://api.reports.test'
let issuer: TestIssuer
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], audience: AUDIENCE })
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

const clientAuth = {
  method: 'client_secret_basic' as const,
  clientId: DEFAULT_TEST_CLIENT.client_id,
  clientSecret: DEFAULT_TEST_CLIENT.client_secret,
}

async function get(middleware: Middleware, token: string | undefined) {
  const app = await serve(frameworks[0]!.app([middleware, echoAuth], [oauthErrorHandler()]))
  onTestFinished(() => app.close())
  const req = request(app.url).get('/pets')
  const res = await (token === undefined ? req : req.set('Authorization', `Bearer ${token}`))
  return { status: res.status, body: res.body as unknown }
}

function expectNoToken(reports: readonly RefusalReport[], token: string): void {
  const text = JSON.stringify(reports)
  expect(text).not.toContain(token)
  expect(text).not.toContain(token.split('.')[2] ?? token)
}

describe('onRefusal', () => {
  it('reports a trailing-slash-only issuer mismatch with the expected and received iss, kid and alg', async () => {
    const reports: RefusalReport[] = []
    const configured = `${issuer.issuer}/`
    const middleware = jwtBearer({
      issuer: configured,
      audience: AUDIENCE,
      onRefusal: (report) => reports.push(report),
    })
    const token = await issuer.sign({ scope: 'pets:read' })
    const answer = await get(middleware, token)
    expect(answer.status).toBe(401)
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatchObject({
      reason: 'wrong_issuer',
      status: 401,
      code: 'invalid_token',
      expectedIssuers: [configured],
      receivedIssuer: issuer.issuer,
      expectedAudiences: [AUDIENCE],
      receivedAudience: [AUDIENCE],
      kid: issuer.key('ES256').kid,
      alg: 'ES256',
    })
    expect(reports[0]!.note).toBe(
      `the token's iss "${issuer.issuer}" differs from the configured issuer "${configured}" only by a trailing slash; iss is compared exactly`,
    )
    expectNoToken(reports, token)
  })

  it('reports the expected and received aud of a JWT for another API', async () => {
    const reports: RefusalReport[] = []
    const middleware = jwtBearer({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      onRefusal: (report) => reports.push(report),
    })
    const token = await issuer.sign({ scope: 'pets:read', aud: ['https://other.test', 'x'] })
    expect((await get(middleware, token)).status).toBe(401)
    expect(reports[0]).toMatchObject({
      reason: 'wrong_audience',
      receivedIssuer: issuer.issuer,
      expectedAudiences: [AUDIENCE],
      receivedAudience: ['https://other.test', 'x'],
      alg: 'ES256',
    })
    expect(reports[0]!.note).toBeUndefined()
    expectNoToken(reports, token)
  })

  it('reports what the introspection response said for an opaque token of another API', async () => {
    const reports: RefusalReport[] = []
    const middleware = introspectionBearer({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      clientAuth,
      onRefusal: (report) => reports.push(report),
    })
    const token = issuer.issueOpaque({ scope: 'pets:read', aud: 'https://other.test' })
    expect((await get(middleware, token)).status).toBe(401)
    expect(reports[0]).toMatchObject({
      reason: 'wrong_audience',
      expectedIssuers: [issuer.issuer],
      receivedIssuer: issuer.issuer,
      expectedAudiences: [AUDIENCE],
      receivedAudience: ['https://other.test'],
      kid: undefined,
      alg: undefined,
    })
    expectNoToken(reports, token)
  })

  it('reports the refusals of hybridBearer, and a request without a token', async () => {
    const reports: RefusalReport[] = []
    const middleware = hybridBearer({
      jwt: createJwtVerifier({ issuer: issuer.issuer, audience: AUDIENCE }),
      introspection: createIntrospector({ issuer: issuer.issuer, audience: AUDIENCE, clientAuth }),
      onRefusal: (report) => reports.push(report),
    })
    const expired = await issuer.sign({ scope: 'pets:read' }, { expiresInSec: -600 })
    expect((await get(middleware, expired)).status).toBe(401)
    expect((await get(middleware, undefined)).status).toBe(401)
    expect(reports.map((report) => report.reason)).toEqual(['token_expired', 'missing_token'])
    expect(reports[0]).toMatchObject({ kid: issuer.key('ES256').kid, alg: 'ES256' })
    expectNoToken(reports, expired)
  })

  it('says a discovery document answered HTTP 404 at its URL, and the client still gets its 503', async () => {
    const missing = await serve((_req, res) => {
      res.statusCode = 404
      res.end()
    })
    onTestFinished(() => missing.close())
    const reports: RefusalReport[] = []
    const middleware = jwtBearer({
      issuer: missing.url,
      audience: AUDIENCE,
      onRefusal: (report) => reports.push(report),
    })
    const token = await issuer.sign({ scope: 'pets:read', iss: missing.url })
    const answer = await get(middleware, token)
    expect(answer).toEqual({
      status: 503,
      body: {
        error: 'temporarily_unavailable',
        error_description: 'The authorization server could not be reached; try again later',
      },
    })
    expect(reports[0]?.reason).toBe('jwks_unavailable')
    expect(String(reports[0]?.cause)).toContain(
      `answered HTTP 404 at ${missing.url}/.well-known/openid-configuration`,
    )
  })

  it('never lets a listener that throws change the answer', async () => {
    const middleware = jwtBearer({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      onRefusal: () => {
        throw new Error('broken metrics exporter')
      },
    })
    const answer = await get(middleware, 'not-a-token')
    expect(answer.status).toBe(401)
  })
})
