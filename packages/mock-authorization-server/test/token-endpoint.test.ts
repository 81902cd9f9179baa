import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TEST_CLIENT } from '@tokenguard/test-tokens'
import type { TestIssuer } from '@tokenguard/test-tokens'
import { createMockAuthorizationServer } from '../src/index.js'
import type { MockAuthorizationServer, RunningAuthorizationServer } from '../src/index.js'
import { basic, postForm } from '@tokenguard/test-support/form-requests'
import { tokenRequest } from './support/oauth-flows.js'

const SECRET = 'service-secret-0123456789abcdefghijklmnop'
const CC = { grant_type: 'client_credentials' }

describe('POST /token with client_credentials', () => {
  let server: MockAuthorizationServer
  let issuer: TestIssuer
  let running: RunningAuthorizationServer

  beforeAll(async () => {
    server = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'] },
      clients: [
        DEFAULT_TEST_CLIENT,
        { client_id: 'svc', client_secret: SECRET, scope: 'pets:read pets:write' },
        { client_id: 'opaque-svc', client_secret: SECRET, token_format: 'opaque' },
        { client_id: 'code-only', client_secret: SECRET, grant_types: ['refresh_token'] },
        { client_id: 'spa', token_endpoint_auth_method: 'none' },
      ],
    })
    issuer = server.issuer
    running = await server.listen()
  })

  afterAll(() => running.close())

  it('answers an RFC 9068 JWT access token with no-store headers', async () => {
    const { status, body, response } = await tokenRequest(
      running,
      { ...CC, scope: 'pets:read' },
      { Authorization: basic('svc', SECRET) },
    )
    expect(status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('pragma')).toBe('no-cache')
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'pets:read',
    })
    const token = body.access_token as string
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' })
    const { payload } = await jwtVerify(token, createLocalJWKSet(issuer.jwks()), {
      issuer: running.url,
      audience: issuer.audience,
      typ: 'at+jwt',
    })
    expect(payload).toMatchObject({ sub: 'svc', client_id: 'svc', scope: 'pets:read' })
    expect(payload.jti).toEqual(expect.any(String))
  })

  it('grants the client scope when the request names none, and no refresh token', async () => {
    const { body } = await tokenRequest(running, {
      ...CC,
      client_id: 'svc',
      client_secret: SECRET,
    })
    expect(body.scope).toBe('pets:read pets:write')
    expect(body).not.toHaveProperty('refresh_token')
    expect(decodeJwt(body.access_token as string).scope).toBe('pets:read pets:write')
  })

  it('issues opaque tokens to a client configured for them, which introspect as active', async () => {
    const { body } = await tokenRequest(running, CC, { Authorization: basic('opaque-svc', SECRET) })
    const token = body.access_token as string
    expect(token).toMatch(/^[\w-]{43}$/)
    expect(issuer.introspect(token)).toMatchObject({
      active: true,
      token_type: 'Bearer',
      client_id: 'opaque-svc',
      sub: 'opaque-svc',
    })
  })

  it('lets one request choose its format with the test-only token_format parameter', async () => {
    const opaque = await tokenRequest(
      running,
      { ...CC, token_format: 'opaque' },
      { Authorization: basic('svc', SECRET) },
    )
    expect(opaque.body.access_token).not.toContain('.')
    const jwt = await tokenRequest(
      running,
      { ...CC, token_format: 'jwt' },
      { Authorization: basic('opaque-svc', SECRET) },
    )
    expect((jwt.body.access_token as string).split('.')).toHaveLength(3)
    const bad = await tokenRequest(
      running,
      { ...CC, token_format: 'paseto' },
      { Authorization: basic('svc', SECRET) },
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error).toBe('invalid_request')
  })

  it('refuses a wrong client secret with 401 invalid_client, a Basic challenge and no echo', async () => {
    for (const [params, headers] of [
      [CC, { Authorization: basic('svc', 'wrong-secret-value') }],
      [{ ...CC, client_id: 'svc', client_secret: 'wrong-secret-value' }, {}],
      [{ ...CC, client_id: 'svc' }, {}],
      [{ ...CC, client_id: 'nobody', client_secret: SECRET }, {}],
    ] as const) {
      const response = await postForm(running.tokenEndpoint, params, headers)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="test-issuer"')
      expect(response.headers.get('cache-control')).toBe('no-store')
      const text = await response.text()
      expect(JSON.parse(text)).toEqual({ error: 'invalid_client' })
      expect(text).not.toContain('wrong-secret-value')
      expect(text).not.toContain(SECRET)
    }
  })

  it('answers RFC 6749 §5.2 errors as JSON with no-store', async () => {
    const auth = { Authorization: basic('svc', SECRET) }
    const cases: [Record<string, string>, string][] = [
      [{}, 'invalid_request'],
      [{ grant_type: 'password' }, 'unsupported_grant_type'],
      [{ ...CC, scope: 'pets:delete' }, 'invalid_scope'],
      [{ ...CC, scope: 'bad"scope' }, 'invalid_scope'],
    ]
    for (const [params, error] of cases) {
      const { status, body, response } = await tokenRequest(running, params, auth)
      expect(status).toBe(400)
      expect(body).toEqual({ error, error_description: expect.any(String) })
      expect(response.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('answers unauthorized_client to a grant the client may not use, and to a public client', async () => {
    const restricted = await tokenRequest(running, CC, {
      Authorization: basic('code-only', SECRET),
    })
    expect(restricted.status).toBe(400)
    expect(restricted.body.error).toBe('unauthorized_client')
    const publicClient = await tokenRequest(running, { ...CC, client_id: 'spa' })
    expect(publicClient.status).toBe(400)
    expect(publicClient.body.error).toBe('unauthorized_client')
  })

  it('refuses a repeated parameter, a non-form body and GET', async () => {
    const repeated = await fetch(running.tokenEndpoint, {
      method: 'POST',
      headers: { Authorization: basic('svc', SECRET) },
      body: new URLSearchParams([
        ['grant_type', 'client_credentials'],
        ['grant_type', 'client_credentials'],
      ]),
    })
    expect(repeated.status).toBe(400)
    expect(await repeated.json()).toMatchObject({ error: 'invalid_request' })
    const json = await fetch(running.tokenEndpoint, {
      method: 'POST',
      headers: { Authorization: basic('svc', SECRET), 'Content-Type': 'application/json' },
      body: JSON.stringify(CC),
    })
    expect(json.status).toBe(400)
    const get = await fetch(running.tokenEndpoint)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })
})
