import type { IncomingHttpHeaders } from 'node:http'
import { createTestIssuer, type RunningIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { introspectAt, startApi, type TestApi } from './support/api.js'

// RFC 7662: the resource server's side of token introspection, over real HTTP: requests to
// a recording endpoint on 127.0.0.1, and to the test issuer's /introspect.

const AUDIENCE = 'https://api.conformance.test'
const ISSUER = 'https://as.conformance.test'

interface Recorded {
  readonly method: string | undefined
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** An introspection endpoint that records each request and answers `answer()` as JSON. */
async function recordingEndpoint(
  answer: () => unknown,
): Promise<LocalServer & { requests: Recorded[] }> {
  const requests: Recorded[] = []
  const server = await serve((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      requests.push({ method: req.method, headers: req.headers, body })
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(answer()))
    })
  })
  return { ...server, requests }
}

function apiFor(endpoint: string, extra: Record<string, unknown> = {}): Promise<TestApi> {
  return startApi({
    kind: 'introspection',
    introspection: {
      issuer: ISSUER,
      audience: AUDIENCE,
      introspectionEndpoint: `${endpoint}/introspect`,
      clientAuth: { method: 'client_secret_basic', clientId: 'api', clientSecret: 'a b:c%d' },
      cacheTtlMs: 0,
      ...extra,
    },
  })
}

const nowSec = () => Math.floor(Date.now() / 1000)
const active = (claims: Record<string, unknown> = {}) => ({
  active: true,
  iss: ISSUER,
  aud: AUDIENCE,
  scope: 'pets:read',
  exp: nowSec() + 300,
  ...claims,
})

let issuer: TestIssuer
let running: RunningIssuer
let api: TestApi

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], audience: AUDIENCE })
  running = await issuer.listen()
  api = await startApi({
    kind: 'introspection',
    introspection: introspectAt(issuer, running, { cacheTtlMs: 0 }),
  })
})

afterAll(async () => {
  await api.close()
  await running.close()
})

async function refusal(token: string, target: TestApi = api): Promise<string> {
  const before = target.reasons.length
  const answer = await target.get(token)
  const reason = target.reasons.length > before ? target.reasons.at(-1) : undefined
  return `${answer.outcome} ${reason ?? '-'}`.trim()
}

describe('RFC 7662 §2.1: the introspection request', () => {
  it('[RFC7662-2.1-request] sends the token in an application/x-www-form-urlencoded POST with token_type_hint access_token', async () => {
    const endpoint = await recordingEndpoint(() => active())
    onTestFinished(() => endpoint.close())
    const local = await apiFor(endpoint.url)
    onTestFinished(() => local.close())
    expect((await local.get('opaque-token-1')).status).toBe(200)
    const [request] = endpoint.requests
    expect(request?.method).toBe('POST')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    const params = new URLSearchParams(request?.body)
    expect(params.get('token')).toBe('opaque-token-1')
    expect(params.get('token_type_hint')).toBe('access_token')
  })

  it('[RFC7662-2.1-authn] authenticates to the endpoint as the resource server, form-encoding a client_secret_basic id and secret', async () => {
    const endpoint = await recordingEndpoint(() => active())
    onTestFinished(() => endpoint.close())
    const basic = await apiFor(endpoint.url)
    onTestFinished(() => basic.close())
    await basic.get('opaque-token-2')
    // RFC 6749 §2.3.1: id and secret are form-encoded before the Basic encoding.
    const expected = `Basic ${Buffer.from('api:a+b%3Ac%25d').toString('base64')}`
    expect(endpoint.requests[0]?.headers.authorization).toBe(expected)
    const post = await apiFor(endpoint.url, {
      clientAuth: { method: 'client_secret_post', clientId: 'api', clientSecret: 'a b:c%d' },
    })
    onTestFinished(() => post.close())
    await post.get('opaque-token-3')
    const params = new URLSearchParams(endpoint.requests[1]?.body)
    expect([params.get('client_id'), params.get('client_secret')]).toEqual(['api', 'a b:c%d'])
    expect(endpoint.requests[1]?.headers.authorization).toBeUndefined()
  })
})

describe('RFC 7662 §2.2: the introspection response', () => {
  it('[RFC7662-2.2-active] accepts a token only when active is the boolean true; any other active is a broken upstream, 503', async () => {
    let body: unknown = active()
    const endpoint = await recordingEndpoint(() => body)
    onTestFinished(() => endpoint.close())
    const local = await apiFor(endpoint.url)
    onTestFinished(() => local.close())
    expect((await local.get('t')).status).toBe(200)
    for (const value of ['true', 1, null, {}, undefined]) {
      body = { ...active(), active: value }
      const answer = await local.get('t')
      expect(answer.status, JSON.stringify(value)).toBe(503)
      expect(answer.retryAfter).toMatch(/^\d+$/)
    }
  })

  it('[RFC7662-2.2-inactive] answers 401 invalid_token when the authorization server says the token is not active', async () => {
    const valid = issuer.issueOpaque({ scope: 'pets:read' })
    expect((await api.get(valid)).status).toBe(200)
    issuer.revoke(valid)
    expect(await refusal(valid)).toBe('401 invalid_token token_inactive')
    const expired = issuer.issueOpaque({ scope: 'pets:read' }, { expiresInSec: -60 })
    expect(await refusal(expired)).toBe('401 invalid_token token_inactive')
    expect(await refusal('never-issued')).toBe('401 invalid_token token_inactive')
  })

  it("[RFC7662-4-claims] holds an active response to this API's rules: iss, aud, exp, nbf and token_type", async () => {
    expect(
      await refusal(issuer.issueOpaque({ scope: 'pets:read', aud: 'https://other.test' })),
    ).toBe('401 invalid_token wrong_audience')
    expect(
      await refusal(issuer.issueOpaque({ scope: 'pets:read', iss: 'https://evil.test' })),
    ).toBe('401 invalid_token wrong_issuer')
    const refresh = issuer.issueOpaque({ scope: 'pets:read' }, { tokenType: 'refresh_token' })
    expect(await refusal(refresh)).toBe('401 invalid_token wrong_token_type')
    // An endpoint that says active beyond exp, or before nbf, is not believed.
    let body: unknown = active({ exp: nowSec() - 60 })
    const endpoint = await recordingEndpoint(() => body)
    onTestFinished(() => endpoint.close())
    const local = await apiFor(endpoint.url)
    onTestFinished(() => local.close())
    expect(await refusal('t', local)).toBe('401 invalid_token token_expired')
    body = active({ nbf: nowSec() + 600 })
    expect(await refusal('t', local)).toBe('401 invalid_token token_not_yet_valid')
  })
})
