import { errorLike } from '@tokenguard/test-support/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestIssuer, DEFAULT_TEST_CLIENT } from '../src/index.js'
import type { RunningIssuer, TestIssuer } from '../src/index.js'
import { basic, postForm } from './support/client-requests.js'

const AUTH = {
  Authorization: basic(DEFAULT_TEST_CLIENT.client_id, DEFAULT_TEST_CLIENT.client_secret),
}

describe('POST /revoke', () => {
  let issuer: TestIssuer
  let running: RunningIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
    running = await issuer.listen()
  })

  afterAll(() => running.close())

  const revoke = (params: Record<string, string>, headers = AUTH) =>
    postForm(running.revocationEndpoint, params, headers)

  it('revokes an opaque token and answers 200 with an empty body and no-store', async () => {
    const token = issuer.issueOpaque({ scope: 'a' })
    const response = await revoke({ token, token_type_hint: 'access_token' })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.text()).toBe('')
    expect(issuer.introspect(token)).toEqual({ active: false })
    const introspected = await postForm(running.introspectionEndpoint, { token }, AUTH)
    expect(await introspected.json()).toEqual({ active: false })
  })

  it('revokes a refresh token', async () => {
    const token = issuer.issueOpaque({}, { tokenType: 'refresh_token' })
    expect((await revoke({ token, token_type_hint: 'refresh_token' })).status).toBe(200)
    expect(issuer.introspect(token)).toEqual({ active: false })
  })

  it('answers 200 with an empty body to an unknown token (RFC 7009 §2.2)', async () => {
    const response = await revoke({ token: 'never-issued' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
  })

  it('revokes a JWT by its jti, so the issuer introspects it as inactive', async () => {
    const token = await issuer.sign({ scope: 'a' })
    const other = await issuer.sign({ scope: 'a' })
    expect(issuer.introspect(token)).toMatchObject({ active: true })
    expect((await revoke({ token })).status).toBe(200)
    expect(issuer.introspect(token)).toEqual({ active: false })
    expect(issuer.introspect(other)).toMatchObject({ active: true })
  })

  it('leaves a token of another client active, answering as for an unknown token (RFC 7009 §2.1)', async () => {
    const secret = 'other-client-secret-0123456789abcdefghij'
    issuer.registerClient({ client_id: 'other-client', client_secret: secret })
    const other = { Authorization: basic('other-client', secret) }
    const tokens = {
      opaque: issuer.issueOpaque({ scope: 'a' }),
      refresh: issuer.issueOpaque({}, { tokenType: 'refresh_token' }),
      jwt: await issuer.sign({ scope: 'a' }),
      'jwt without client_id': await issuer.sign({ client_id: undefined }),
    }
    for (const [kind, token] of Object.entries(tokens)) {
      const response = await revoke({ token }, other)
      expect(response.status, kind).toBe(200)
      expect(await response.text(), kind).toBe('')
      expect(issuer.introspect(token).active, kind).toBe(true)
    }
    expect((await revoke({ token: tokens.jwt })).status).toBe(200)
    expect(issuer.introspect(tokens.jwt)).toEqual({ active: false })
    const own = issuer.issueOpaque({ client_id: 'other-client' })
    expect((await revoke({ token: own }, other)).status).toBe(200)
    expect(issuer.introspect(own)).toEqual({ active: false })
  })

  it('refuses an unauthenticated request with 401 invalid_client and revokes nothing', async () => {
    const token = issuer.issueOpaque()
    const response = await revoke({ token }, { Authorization: basic('test-client', 'nope') })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="test-issuer"')
    expect(await response.json()).toEqual({ error: 'invalid_client' })
    expect(issuer.introspect(token)).toMatchObject({ active: true })
  })

  it('answers 400 invalid_request without a token parameter', async () => {
    const response = await revoke({})
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('answers 405 with Allow POST to GET and counts its requests', async () => {
    const before = running.requests('/revoke')
    const response = await fetch(running.revocationEndpoint)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect(running.requests('/revoke')).toBe(before + 1)
  })
})

describe('TestIssuer.revoke', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] })
  })

  it('revokes an opaque token without HTTP', () => {
    const token = issuer.issueOpaque()
    issuer.revoke(token)
    issuer.revoke(token)
    expect(issuer.introspect(token)).toEqual({ active: false })
  })

  it('revokes every JWT with the same jti', async () => {
    const first = await issuer.sign({ jti: 'shared-jti' })
    const second = await issuer.sign({ jti: 'shared-jti', scope: 'b' })
    issuer.revoke(first)
    expect(issuer.introspect(second)).toEqual({ active: false })
  })

  it('revokes a JWT without a jti by the token itself', async () => {
    const token = await issuer.sign({ jti: undefined })
    const other = await issuer.sign({ jti: undefined, scope: 'x' })
    issuer.revoke(token)
    expect(issuer.introspect(token)).toEqual({ active: false })
    expect(issuer.introspect(other)).toMatchObject({ active: true })
  })

  it('ignores tokens it did not issue, JWTs of other issuers included', async () => {
    const stranger = await createTestIssuer({ algorithms: ['ES256'] })
    const foreign = await stranger.sign({ jti: 'foreign-jti' })
    const mine = await issuer.sign({ jti: 'foreign-jti' })
    expect(() => issuer.revoke('unknown')).not.toThrow()
    issuer.revoke(foreign)
    expect(issuer.introspect(mine)).toMatchObject({ active: true })
  })

  it('throws a TypeError for a token that is not a string', () => {
    expect(() => issuer.revoke(42 as never)).toThrow(TypeError)
    expect(() => issuer.revoke(42 as never)).toThrow(errorLike(TypeError, 'token must be a string'))
  })
})
