import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestIssuer } from '@tokenguard/test-tokens'
import { createMockAuthorizationServer } from '../src/index.js'
import type { MockAuthorizationServer, RunningAuthorizationServer } from '../src/index.js'
import { basic, postForm } from '@tokenguard/test-support/form-requests'
import { obtainCode, tokenRequest } from './support/oauth-flows.js'

const SECRET = 'web-app-secret-0123456789abcdefghijklmnop'
const CALLBACK = 'https://app.test/callback'
const AUTH = { Authorization: basic('web', SECRET) }

describe('the refresh token grant', () => {
  let server: MockAuthorizationServer
  let issuer: TestIssuer
  let running: RunningAuthorizationServer
  let clock = 1_800_000_000_000

  beforeAll(async () => {
    server = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'], now: () => clock },
      refreshTokenExpiresInSec: 3600,
      clients: [
        {
          client_id: 'web',
          client_secret: SECRET,
          redirect_uris: [CALLBACK],
          token_format: 'opaque',
        },
        { client_id: 'other', client_secret: SECRET, redirect_uris: [CALLBACK] },
        {
          client_id: 'no-refresh',
          client_secret: SECRET,
          redirect_uris: [CALLBACK],
          grant_types: ['authorization_code'],
        },
      ],
    })
    issuer = server.issuer
    running = await server.listen({ autoApprove: true })
  })

  afterAll(() => running.close())

  // A fresh grant: its access and refresh tokens.
  const login = async (scope = 'pets:read pets:write') => {
    const { code, verifier } = await obtainCode(running, { client_id: 'web', scope })
    const { body } = await tokenRequest(
      running,
      { grant_type: 'authorization_code', code, code_verifier: verifier },
      AUTH,
    )
    return { access: body.access_token as string, refresh: body.refresh_token as string }
  }

  const refresh = (token: string, extra: Record<string, string> = {}, auth = AUTH) =>
    tokenRequest(running, { grant_type: 'refresh_token', refresh_token: token, ...extra }, auth)

  it('rotates: each use answers a new refresh token and retires the old one', async () => {
    const first = await login()
    const { status, body, response } = await refresh(first.refresh)
    expect(status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'pets:read pets:write',
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
    })
    expect(body.refresh_token).not.toBe(first.refresh)
    expect(issuer.introspect(first.refresh)).toEqual({ active: false })
    expect(issuer.introspect(body.refresh_token as string)).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: 'web',
    })
    expect((await refresh(body.refresh_token as string)).status).toBe(200)
  })

  it('revokes the whole family when a retired refresh token is used again', async () => {
    const first = await login()
    const second = await refresh(first.refresh)
    const live = {
      access: second.body.access_token as string,
      refresh: second.body.refresh_token as string,
    }
    const replay = await refresh(first.refresh)
    expect(replay.status).toBe(400)
    expect(replay.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the refresh token was already used; its grant is revoked',
    })
    for (const token of [first.access, live.access, live.refresh]) {
      expect(issuer.introspect(token)).toEqual({ active: false })
    }
    const next = await refresh(live.refresh)
    expect(next.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the refresh token is unknown, expired or revoked',
    })
  })

  it('revokes the whole family however many rotations came before, 60 here (RFC 9700 §4.14.2)', async () => {
    const first = await login()
    const access = [first.access]
    let current = first.refresh
    for (let rotation = 0; rotation < 60; rotation++) {
      const { body } = await refresh(current)
      access.push(body.access_token as string)
      current = body.refresh_token as string
    }
    const active = (tokens: readonly string[]) =>
      tokens.flatMap((token, index) => (issuer.introspect(token).active === true ? [index] : []))
    expect(active(access)).toHaveLength(61)
    const replay = await refresh(first.refresh)
    expect(replay.body.error).toBe('invalid_grant')
    // The indexes of any token still active: none, the first access token included.
    expect(active([...access, current])).toEqual([])
    expect((await refresh(current)).body.error).toBe('invalid_grant')
  })

  it('leaves other families alone when one is revoked', async () => {
    const mine = await login()
    const theirs = await login()
    await refresh(mine.refresh)
    await refresh(mine.refresh)
    expect(issuer.introspect(theirs.access).active).toBe(true)
    expect((await refresh(theirs.refresh)).status).toBe(200)
  })

  it('narrows the access token scope on request, and refuses a wider one', async () => {
    const { refresh: token } = await login()
    const narrow = await refresh(token, { scope: 'pets:read', token_format: 'jwt' })
    expect(narrow.body.scope).toBe('pets:read')
    expect(decodeJwt(narrow.body.access_token as string).scope).toBe('pets:read')
    expect(issuer.introspect(narrow.body.refresh_token as string).scope).toBe(
      'pets:read pets:write',
    )
    const wide = await refresh(narrow.body.refresh_token as string, { scope: 'pets:read admin' })
    expect(wide.status).toBe(400)
    expect(wide.body.error).toBe('invalid_scope')
  })

  it('refuses a refresh token of another client without revoking it', async () => {
    const { refresh: token } = await login()
    const stolen = await refresh(token, {}, { Authorization: basic('other', SECRET) })
    expect(stolen.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the refresh token was issued to another client',
    })
    expect((await refresh(token)).status).toBe(200)
  })

  it('refuses an unknown or missing refresh token', async () => {
    expect((await refresh('never-issued')).body.error).toBe('invalid_grant')
    const missing = await tokenRequest(running, { grant_type: 'refresh_token' }, AUTH)
    expect(missing.body.error).toBe('invalid_request')
  })

  it('refuses a refresh token after its lifetime on the issuer clock', async () => {
    const { refresh: token } = await login()
    clock += 3_601_000
    expect((await refresh(token)).body.error).toBe('invalid_grant')
  })

  it('revokes the family when the refresh token is revoked at /revoke (RFC 7009 §2.1)', async () => {
    const { access, refresh: token } = await login()
    const response = await postForm(running.revocationEndpoint, { token }, AUTH)
    expect(response.status).toBe(200)
    expect(issuer.introspect(access)).toEqual({ active: false })
    expect((await refresh(token)).body.error).toBe('invalid_grant')
  })

  it('gives no refresh token to a client without the refresh_token grant', async () => {
    const { code, verifier } = await obtainCode(running, { client_id: 'no-refresh' })
    const { body } = await tokenRequest(
      running,
      { grant_type: 'authorization_code', code, code_verifier: verifier },
      { Authorization: basic('no-refresh', SECRET) },
    )
    expect(body.access_token).toEqual(expect.any(String))
    expect(body).not.toHaveProperty('refresh_token')
  })
})
