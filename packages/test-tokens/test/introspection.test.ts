import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, DEFAULT_TEST_CLIENT, generateTestKey } from '../src/index.js'
import type { RunningIssuer, TestIssuer, TestKey } from '../src/index.js'
import { assertionParams, basic, clientAssertion, postForm } from './support/client-requests.js'

const { client_id: CLIENT_ID, client_secret: SECRET } = DEFAULT_TEST_CLIENT

describe('POST /introspect', () => {
  let issuer: TestIssuer
  let running: RunningIssuer
  let clientKey: TestKey

  beforeAll(async () => {
    clientKey = await generateTestKey('ES256', { kid: 'client-key' })
    issuer = await createTestIssuer({
      algorithms: ['ES256', 'EdDSA'],
      clients: [
        DEFAULT_TEST_CLIENT,
        { client_id: 'jwt-client', jwks: { keys: [clientKey.publicJwk] } },
        { client_id: 'rs', bearer_token: 'static-rs-token-0123456789' },
        { client_id: 'odd id:+&', client_secret: 'p@ss:word+ with spaces/%' },
      ],
    })
    running = await issuer.listen()
  })

  afterAll(() => running.close())

  const introspect = (token: string, extra: Record<string, string> = {}) =>
    postForm(
      running.introspectionEndpoint,
      { token, ...extra },
      { Authorization: basic(CLIENT_ID, SECRET) },
    )

  it('answers an active opaque token with its claims, token_type Bearer and no-store', async () => {
    const token = issuer.issueOpaque({ scope: 'pets:read pets:write' })
    const response = await introspect(token)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, number>
    expect(body).toEqual({
      active: true,
      scope: 'pets:read pets:write',
      client_id: 'test-client',
      sub: 'user-123',
      iss: running.url,
      aud: issuer.audience,
      iat: expect.any(Number),
      exp: body.iat! + 300,
      jti: expect.any(String),
      token_type: 'Bearer',
    })
    expect(body).toEqual(issuer.introspect(token))
  })

  it('accepts client_secret_post', async () => {
    const token = issuer.issueOpaque()
    const response = await postForm(running.introspectionEndpoint, {
      token,
      client_id: CLIENT_ID,
      client_secret: SECRET,
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ active: true })
  })

  it('accepts a Basic header whose client id and secret were form-urlencoded first', async () => {
    const response = await postForm(
      running.introspectionEndpoint,
      { token: issuer.issueOpaque() },
      { Authorization: basic('odd id:+&', 'p@ss:word+ with spaces/%') },
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ active: true })
  })

  it('accepts client_id in the body beside a Basic header when it names the same client', async () => {
    const response = await introspect(issuer.issueOpaque(), { client_id: CLIENT_ID })
    expect(response.status).toBe(200)
  })

  it.each(['issuer URL', 'introspection endpoint'] as const)(
    'accepts private_key_jwt with the %s as aud',
    async (which) => {
      const aud = which === 'issuer URL' ? running.url : running.introspectionEndpoint
      const assertion = await clientAssertion(clientKey, 'jwt-client', aud)
      const response = await postForm(running.introspectionEndpoint, {
        token: issuer.issueOpaque(),
        ...assertionParams(assertion),
      })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ active: true })
    },
  )

  it('accepts private_key_jwt with an aud array and a matching client_id parameter', async () => {
    const assertion = await clientAssertion(clientKey, 'jwt-client', 'x', {
      aud: ['https://other.test', running.url],
    })
    const response = await postForm(running.introspectionEndpoint, {
      token: issuer.issueOpaque(),
      client_id: 'jwt-client',
      ...assertionParams(assertion),
    })
    expect(response.status).toBe(200)
  })

  it('accepts a client static bearer token in the Authorization header', async () => {
    const response = await postForm(
      running.introspectionEndpoint,
      { token: issuer.issueOpaque() },
      { Authorization: 'bearer static-rs-token-0123456789' },
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ active: true })
  })

  it('answers only active false for an unknown token', async () => {
    const response = await introspect('never-issued-token')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ active: false })
  })

  it('answers only active false for an expired opaque token', async () => {
    const token = issuer.issueOpaque({ scope: 'a' }, { expiresInSec: -1 })
    expect(await (await introspect(token)).json()).toEqual({ active: false })
  })

  it('answers only active false for an opaque token revoked with revoke()', async () => {
    const token = issuer.issueOpaque({ scope: 'a' })
    expect(await (await introspect(token)).json()).toMatchObject({ active: true })
    issuer.revoke(token)
    expect(await (await introspect(token)).json()).toEqual({ active: false })
  })

  it('answers token_type refresh_token for a refresh token', async () => {
    const token = issuer.issueOpaque({ scope: 'offline_access' }, { tokenType: 'refresh_token' })
    expect(await (await introspect(token)).json()).toMatchObject({
      active: true,
      scope: 'offline_access',
      token_type: 'refresh_token',
    })
  })

  it('answers nbf when the token has one', async () => {
    const nbf = Math.floor(Date.now() / 1000) - 10
    const token = issuer.issueOpaque({ nbf })
    expect(await (await introspect(token)).json()).toMatchObject({ active: true, nbf })
  })

  it('ignores token_type_hint, even a wrong one', async () => {
    const token = issuer.issueOpaque()
    const response = await introspect(token, { token_type_hint: 'refresh_token' })
    expect(await response.json()).toMatchObject({ active: true, token_type: 'Bearer' })
  })

  it('introspects a JWT the issuer signed, with its claims', async () => {
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const token = await issuer.sign({ scope: 'pets:read' }, { alg })
      const body = await (await introspect(token)).json()
      expect(body).toMatchObject({
        active: true,
        token_type: 'Bearer',
        scope: 'pets:read',
        iss: running.url,
        aud: issuer.audience,
        sub: 'user-123',
        client_id: 'test-client',
        jti: expect.any(String),
      })
    }
  })

  it('answers only active false for an expired JWT and a JWT another issuer signed', async () => {
    const stranger = await createTestIssuer({ algorithms: ['ES256'] })
    const foreign = await stranger.sign({}, { kid: issuer.key('ES256').kid })
    const expired = await issuer.sign({}, { expiresInSec: -5 })
    expect(await (await introspect(expired)).json()).toEqual({ active: false })
    expect(await (await introspect(foreign)).json()).toEqual({ active: false })
  })

  it('answers 400 invalid_request when the token parameter is missing or empty', async () => {
    for (const params of [{}, { token: '' }]) {
      const response = await postForm(running.introspectionEndpoint, params, {
        Authorization: basic(CLIENT_ID, SECRET),
      })
      expect(response.status).toBe(400)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await response.json()).toEqual({
        error: 'invalid_request',
        error_description: 'the token parameter is required',
      })
    }
  })

  it('answers 400 invalid_request when the token parameter repeats', async () => {
    const response = await fetch(running.introspectionEndpoint, {
      method: 'POST',
      headers: { Authorization: basic(CLIENT_ID, SECRET) },
      body: new URLSearchParams([
        ['token', issuer.issueOpaque()],
        ['token', issuer.issueOpaque()],
      ]),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('answers 400 invalid_request to a body that is not a form', async () => {
    const response = await fetch(running.introspectionEndpoint, {
      method: 'POST',
      headers: { Authorization: basic(CLIENT_ID, SECRET), 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: issuer.issueOpaque() }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'the request body must be application/x-www-form-urlencoded',
    })
  })

  it('answers 405 with Allow POST to other methods', async () => {
    const response = await fetch(running.introspectionEndpoint)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })

  it('counts its requests', async () => {
    const before = running.requests('/introspect')
    await introspect('x')
    await introspect('y')
    expect(running.requests('/introspect')).toBe(before + 2)
  })
})
