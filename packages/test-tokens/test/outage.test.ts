import { createIntrospector } from '@tokenguard/introspect'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import type { JwtVerifierOptions } from '@tokenguard/jwt-verify'
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { createTestIssuer, DEFAULT_TEST_CLIENT } from '../src/index.js'
import type { Fault, RunningIssuer, TestIssuer } from '../src/index.js'

const OUTAGES: [string, Fault][] = [
  ['a 503', { status: 503 }],
  ['a 500', { status: 500 }],
  ['a malformed body', { body: '{"keys": [ not json' }],
  ['a hang', { hang: true }],
]

describe('faults seen through jwt-verify and introspect', () => {
  let issuer: TestIssuer
  let running: RunningIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
    running = await issuer.listen()
  })

  afterEach(() => {
    for (const endpoint of ['jwks', 'discovery', 'introspect'] as const) {
      running.setFault(endpoint, undefined)
    }
  })

  afterAll(() => running.close())

  const verifier = (options: Partial<JwtVerifierOptions> = {}) =>
    createJwtVerifier({
      issuer: running.url,
      audience: issuer.audience,
      jwksOptions: { timeoutMs: 300 },
      ...options,
    })

  const introspector = () =>
    createIntrospector({
      issuer: running.url,
      audience: issuer.audience,
      introspectionEndpoint: running.introspectionEndpoint,
      timeoutMs: 300,
      clientAuth: {
        method: 'client_secret_basic',
        clientId: DEFAULT_TEST_CLIENT.client_id,
        clientSecret: DEFAULT_TEST_CLIENT.client_secret,
      },
    })

  const outage = { status: 503, code: 'temporarily_unavailable' }

  it.each(OUTAGES)('answers 503, not 401, when the JWKS gives %s', async (_, fault) => {
    running.setFault('jwks', fault)
    await expect(
      verifier({ jwksUri: running.jwksUri }).verify(await issuer.sign()),
    ).rejects.toMatchObject({ ...outage, reason: 'jwks_unavailable' })
  })

  it.each(OUTAGES)('answers 503, not 401, when discovery gives %s', async (_, fault) => {
    running.setFault('discovery', fault)
    const before = running.requests('/jwks.json')
    await expect(verifier().verify(await issuer.sign())).rejects.toMatchObject(outage)
    expect(running.requests('/jwks.json')).toBe(before)
  })

  it.each(OUTAGES)('answers 503, not 401, when introspection gives %s', async (_, fault) => {
    running.setFault('introspect', fault)
    await expect(introspector().introspect(issuer.issueOpaque())).rejects.toMatchObject({
      ...outage,
      reason: 'introspection_unavailable',
    })
  })

  it('still verifies and introspects through added latency', async () => {
    running.setFault('jwks', { delayMs: 100 })
    running.setFault('discovery', { delayMs: 100 })
    running.setFault('introspect', { delayMs: 100 })
    const started = performance.now()
    await expect(verifier().verify(await issuer.sign())).resolves.toBeDefined()
    await expect(introspector().introspect(issuer.issueOpaque())).resolves.toMatchObject({
      source: 'introspection',
    })
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('fetches the JWKS once for many concurrent tokens, as the counters show', async () => {
    running.resetRequests()
    const shared = verifier({ jwksUri: running.jwksUri })
    const tokens = await Promise.all(Array.from({ length: 20 }, () => issuer.sign()))
    await Promise.all(tokens.map((token) => shared.verify(token)))
    expect(running.requests('/jwks.json')).toBe(1)
    expect(running.requests()).toBe(1)
  })

  it('answers 503 with Retry-After through jwtBearer and Express default error handler', async () => {
    running.setFault('jwks', { status: 502 })
    const app = await serve(
      frameworks[0]!.app([jwtBearer({ issuer: running.url, audience: issuer.audience }), echoAuth]),
    )
    onTestFinished(() => app.close())
    const response = await fetch(`${app.url}/`, {
      headers: { Authorization: `Bearer ${await issuer.sign()}` },
    })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(response.headers.get('www-authenticate')).toBeNull()
  })
})
