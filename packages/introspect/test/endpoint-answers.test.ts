import { oauthErrorHandler, OAuthError } from '@tokenguard/core'
import { createTestIssuer, DEFAULT_TEST_CLIENT, type RunningIssuer } from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { createIntrospector, introspectionBearer, type IntrospectorOptions } from '../src/index.js'
import { defaultClientOptions } from './support/default-client-options.js'

// What the introspection endpoint answers besides 200 (RFC 7662 §2.3): an OAuth error about
// the token is that token's refusal (401), anything about our own request or credentials, and
// any server error, is an outage of the endpoint (503 with Retry-After), never the token's fault.

let running: RunningIssuer
let issuerUrl: string
let audience: string

beforeAll(async () => {
  const issuer = await createTestIssuer({ algorithms: ['ES256'], clients: [DEFAULT_TEST_CLIENT] })
  running = await issuer.listen()
  issuerUrl = issuer.issuer
  audience = issuer.audience
})

afterAll(async () => {
  await running.close()
})

function options(extra: Partial<IntrospectorOptions> = {}): IntrospectorOptions {
  return defaultClientOptions({ issuer: issuerUrl, audience }, extra)
}

async function answerTo(fault: {
  status: number
  body?: string
}): Promise<{ status: number; challenge: string | undefined; retryAfter: string | undefined }> {
  const app = await serve(
    frameworks[0]!.app(
      [introspectionBearer({ ...options(), realm: 'api' }), echoAuth],
      [oauthErrorHandler()],
    ),
  )
  onTestFinished(() => app.close())
  running.setFault('introspect', fault)
  onTestFinished(() => running.setFault('introspect', undefined))
  const res = await request(app.url).get('/pets').set('Authorization', 'Bearer opaque-token-1234')
  return {
    status: res.status,
    challenge: res.headers['www-authenticate'],
    retryAfter: res.headers['retry-after'],
  }
}

const oauthError = (error: string, description?: string) =>
  JSON.stringify(description === undefined ? { error } : { error, error_description: description })

describe('introspectionBearer and the answers of the introspection endpoint', () => {
  it.each([
    [
      'unsupported_token_type',
      oauthError('unsupported_token_type', 'Structured JWT Tokens cannot be introspected'),
    ],
    ['invalid_token', oauthError('invalid_token')],
    ['invalid_request naming the token', oauthError('invalid_request', 'invalid token provided')],
    [
      'invalid_request about a missing token parameter',
      oauthError('invalid_request', "missing required parameter 'token'"),
    ],
  ])(
    'answers 401 invalid_token when the endpoint answers 400 %s: the error is about this token',
    async (_name, body) => {
      const answer = await answerTo({ status: 400, body })
      expect(answer).toEqual({
        status: 401,
        challenge:
          'Bearer realm="api", error="invalid_token", error_description="The access token is not active"',
        retryAfter: undefined,
      })
    },
  )

  it.each([
    [
      '400 invalid_request about the client',
      400,
      oauthError('invalid_request', "missing required parameter 'client_id'"),
    ],
    ['400 invalid_client', 400, oauthError('invalid_client')],
    ['400 without a JSON body', 400, 'Bad Request'],
    ['401 invalid_client (our credentials are wrong)', 401, oauthError('invalid_client')],
    ['403 access_denied', 403, oauthError('access_denied')],
    ['500', 500, oauthError('server_error')],
    ['502 without a body', 502, ''],
  ])(
    "answers 503 with Retry-After when the endpoint answers %s: not the token's fault",
    async (_name, status, body) => {
      const answer = await answerTo({ status, body })
      expect(answer).toEqual({ status: 503, challenge: undefined, retryAfter: '5' })
    },
  )

  it('keeps what the endpoint said as the cause of the refusal, for logs, and asks once for a repeated token', async () => {
    let calls = 0
    const introspector = createIntrospector(
      options({
        fetch: async (url, init) => {
          calls++
          return fetch(url, init)
        },
      }),
    )
    running.setFault('introspect', {
      status: 400,
      body: oauthError('unsupported_token_type', 'Structured JWT Tokens cannot be introspected'),
    })
    onTestFinished(() => running.setFault('introspect', undefined))
    const first = await introspector.introspect('eyJ.eyJ.sig').catch((error: unknown) => error)
    expect(first).toBeInstanceOf(OAuthError)
    expect(first).toMatchObject({ status: 401, code: 'invalid_token', reason: 'token_inactive' })
    expect(String((first as OAuthError).cause)).toMatch(
      /answered HTTP 400 unsupported_token_type at http/,
    )
    const again = await introspector.introspect('eyJ.eyJ.sig').catch((error: unknown) => error)
    expect(again).toMatchObject({ status: 401, reason: 'token_inactive' })
    // The endpoint (and discovery, once) was asked; the repeated token came from the cache.
    const callsAfterFirst = calls
    await introspector.introspect('eyJ.eyJ.sig').catch(() => undefined)
    expect(calls).toBe(callsAfterFirst)
  })
})
