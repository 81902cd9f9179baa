import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestIssuer } from '@tokenguard/test-tokens'
import { createMockAuthorizationServer } from '../src/index.js'
import type { MockAuthorizationServer, RunningAuthorizationServer } from '../src/index.js'
import { basic } from '@tokenguard/test-support/form-requests'
import {
  authorize,
  obtainCode,
  pkcePair,
  redirectParams,
  tokenRequest,
} from './support/oauth-flows.js'

const SECRET = 'web-app-secret-0123456789abcdefghijklmnop'
const CALLBACK = 'https://app.test/callback'
const AUTH = { Authorization: basic('web', SECRET) }

/** `params` without the parameters named. */
function without(params: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !names.includes(name)))
}

describe('the authorization code grant with PKCE, auto-approved', () => {
  let server: MockAuthorizationServer
  let issuer: TestIssuer
  let running: RunningAuthorizationServer
  let clock = 1_800_000_000_000

  beforeAll(async () => {
    server = await createMockAuthorizationServer({
      issuerOptions: { algorithms: ['ES256'], now: () => clock },
      subject: 'alice',
      clients: [
        {
          client_id: 'web',
          client_secret: SECRET,
          redirect_uris: [CALLBACK, 'https://app.test/cb?tenant=a%20b'],
          scope: 'openid pets:read pets:write',
        },
        { client_id: 'other', client_secret: SECRET, redirect_uris: [CALLBACK] },
        { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: [CALLBACK] },
        {
          client_id: 'machine',
          client_secret: SECRET,
          redirect_uris: [CALLBACK],
          grant_types: ['client_credentials'],
        },
      ],
    })
    issuer = server.issuer
    running = await server.listen({ autoApprove: true })
  })

  afterAll(() => running.close())

  const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    tokenRequest(
      running,
      {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        ...extra,
      },
      AUTH,
    )

  it('redirects with a code, state untouched and iss, then exchanges it for tokens', async () => {
    const state = 'a b&c=d/é<script>"\'%20+'
    const { verifier, challenge } = pkcePair()
    const response = await authorize(running, {
      response_type: 'code',
      client_id: 'web',
      redirect_uri: CALLBACK,
      scope: 'openid pets:read',
      state,
      nonce: 'n-0S6_WzA2Mj',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    expect(response.status).toBe(302)
    const { target, params } = redirectParams(response)
    expect(target).toBe(CALLBACK)
    expect(params.get('state')).toBe(state)
    expect(params.get('iss')).toBe(running.url)
    const code = params.get('code')!
    expect(code).toMatch(/^[\w-]{43}$/)

    const { status, body } = await exchange(code, verifier)
    expect(status).toBe(200)
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'openid pets:read',
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
      id_token: expect.any(String),
    })
    const keys = createLocalJWKSet(issuer.jwks())
    const at = await jwtVerify(body.access_token as string, keys, {
      issuer: running.url,
      audience: issuer.audience,
      typ: 'at+jwt',
      currentDate: new Date(clock),
    })
    expect(at.payload).toMatchObject({ sub: 'alice', client_id: 'web', scope: 'openid pets:read' })
    const id = await jwtVerify(body.id_token as string, keys, {
      issuer: running.url,
      audience: 'web',
      typ: 'JWT',
      currentDate: new Date(clock),
    })
    expect(id.payload).toMatchObject({ sub: 'alice', nonce: 'n-0S6_WzA2Mj' })
    expect(id.payload).not.toHaveProperty('client_id')
  })

  it('refuses a code_verifier that does not match with invalid_grant, and the code is used up', async () => {
    const { code, verifier } = await obtainCode(running, {
      client_id: 'web',
      redirect_uri: CALLBACK,
    })
    const mismatch = await exchange(code, pkcePair().verifier)
    expect(mismatch.status).toBe(400)
    expect(mismatch.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the code_verifier does not match the code_challenge',
    })
    expect((await exchange(code, verifier)).body.error).toBe('invalid_grant')
  })

  it('refuses a missing or malformed code_verifier', async () => {
    for (const verifier of ['', 'short', 'x'.repeat(129), `${'a'.repeat(42)} `]) {
      const { code } = await obtainCode(running, { client_id: 'web', redirect_uri: CALLBACK })
      const extra = verifier === '' ? {} : { code_verifier: verifier }
      const { status, body } = await tokenRequest(
        running,
        { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, ...extra },
        AUTH,
      )
      expect(status).toBe(400)
      expect(body.error).toBe('invalid_grant')
    }
  })

  it('refuses a reused code and revokes the tokens the first exchange got', async () => {
    const { code, verifier } = await obtainCode(running, {
      client_id: 'web',
      redirect_uri: CALLBACK,
      scope: 'pets:read',
    })
    const first = await exchange(code, verifier, { token_format: 'opaque' })
    expect(first.status).toBe(200)
    const access = first.body.access_token as string
    const refresh = first.body.refresh_token as string
    expect(issuer.introspect(access).active).toBe(true)
    const second = await exchange(code, verifier)
    expect(second.status).toBe(400)
    expect(second.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the code is unknown, expired or already used',
    })
    expect(issuer.introspect(access)).toEqual({ active: false })
    expect(issuer.introspect(refresh)).toEqual({ active: false })
    const refreshed = await tokenRequest(
      running,
      { grant_type: 'refresh_token', refresh_token: refresh },
      AUTH,
    )
    expect(refreshed.body.error).toBe('invalid_grant')
  })

  it('leaves no active token when one code is exchanged twice at once', async () => {
    const { code, verifier } = await obtainCode(running, {
      client_id: 'web',
      redirect_uri: CALLBACK,
    })
    const results = await Promise.all(
      [1, 2].map(() => exchange(code, verifier, { token_format: 'opaque' })),
    )
    expect(results.filter((result) => result.status === 200).length).toBeLessThanOrEqual(1)
    for (const { body } of results) {
      if (typeof body.access_token === 'string') {
        expect(issuer.introspect(body.access_token)).toEqual({ active: false })
        expect(issuer.introspect(body.refresh_token as string)).toEqual({ active: false })
      } else {
        expect(body.error).toBe('invalid_grant')
      }
    }
  })

  it('refuses a code after its lifetime (60 s by default) on the issuer clock', async () => {
    const { code, verifier } = await obtainCode(running, {
      client_id: 'web',
      redirect_uri: CALLBACK,
    })
    clock += 61_000
    const { status, body } = await exchange(code, verifier)
    expect(status).toBe(400)
    expect(body.error).toBe('invalid_grant')
  })

  it('refuses a redirect_uri at the token endpoint that differs from the authorization request', async () => {
    for (const redirect of ['https://app.test/callback/', 'https://APP.test/callback', undefined]) {
      const { code, verifier } = await obtainCode(running, {
        client_id: 'web',
        redirect_uri: CALLBACK,
      })
      const params: Record<string, string> = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
      }
      if (redirect !== undefined) params.redirect_uri = redirect
      const { body } = await tokenRequest(running, params, AUTH)
      expect(body).toEqual({
        error: 'invalid_grant',
        error_description: 'redirect_uri differs from the authorization request',
      })
    }
  })

  it('uses the only registered redirect URI when the request names none', async () => {
    const { code, verifier } = await obtainCode(running, { client_id: 'other' })
    const { status } = await tokenRequest(
      running,
      { grant_type: 'authorization_code', code, code_verifier: verifier },
      { Authorization: basic('other', SECRET) },
    )
    expect(status).toBe(200)
  })

  it('refuses a code issued to another client', async () => {
    const { code, verifier } = await obtainCode(running, { client_id: 'other' })
    const { body } = await exchange(code, verifier)
    expect(body.error).toBe('invalid_grant')
  })

  it('keeps the query of a registered redirect URI byte for byte', async () => {
    const { verifier, challenge } = pkcePair()
    const response = await authorize(running, {
      response_type: 'code',
      client_id: 'web',
      redirect_uri: 'https://app.test/cb?tenant=a%20b',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const location = response.headers.get('location')!
    expect(location.startsWith('https://app.test/cb?tenant=a%20b&code=')).toBe(true)
    const code = new URL(location).searchParams.get('code')!
    const { status } = await exchange(code, verifier, {
      redirect_uri: 'https://app.test/cb?tenant=a%20b',
    })
    expect(status).toBe(200)
  })

  it('lets a public client exchange its code with client_id and PKCE alone', async () => {
    const { code, verifier } = await obtainCode(running, { client_id: 'spa' })
    const { status, body } = await tokenRequest(running, {
      grant_type: 'authorization_code',
      client_id: 'spa',
      code,
      code_verifier: verifier,
    })
    expect(status).toBe(200)
    expect(decodeJwt(body.access_token as string)).toMatchObject({ client_id: 'spa', sub: 'alice' })
  })

  describe('/authorize errors', () => {
    const base = () => {
      const { challenge } = pkcePair()
      return {
        response_type: 'code',
        client_id: 'web',
        redirect_uri: CALLBACK,
        state: 'xyz',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }
    }

    it('shows an error page and never redirects to an unregistered redirect URI', async () => {
      for (const redirect of ['https://evil.test/callback', `${CALLBACK}/x`, `${CALLBACK}?a=1`]) {
        const response = await authorize(running, { ...base(), redirect_uri: redirect })
        expect(response.status).toBe(400)
        expect(response.headers.get('location')).toBeNull()
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
        const html = await response.text()
        expect(html).toContain('the redirect_uri is not registered for this client')
        expect(html).not.toContain('evil.test')
      }
    })

    it('shows an error page for an unknown or missing client, or a missing redirect URI', async () => {
      const noClient = without(base(), 'client_id')
      const noRedirect = without(base(), 'redirect_uri')
      for (const params of [{ ...base(), client_id: 'nobody' }, noClient, noRedirect]) {
        const response = await authorize(running, params)
        expect(response.status).toBe(400)
        expect(response.headers.get('location')).toBeNull()
      }
    })

    it('redirects RFC 6749 §4.1.2.1 errors to the registered URI with state and iss', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ code_challenge_method: 'plain' }, 'invalid_request'],
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ scope: 'admin' }, 'invalid_scope'],
        [{ code_challenge: 'too-short' }, 'invalid_request'],
      ]
      for (const [override, error] of cases) {
        const response = await authorize(running, { ...base(), ...override })
        expect(response.status).toBe(302)
        const { target, params } = redirectParams(response)
        expect(target).toBe(CALLBACK)
        expect(params.get('error')).toBe(error)
        expect(params.get('state')).toBe('xyz')
        expect(params.get('iss')).toBe(running.url)
        expect(params.get('code')).toBeNull()
      }
    })

    it('refuses a request without PKCE, and plain PKCE, with invalid_request', async () => {
      const noPkce = without(base(), 'code_challenge', 'code_challenge_method')
      const missing = redirectParams(await authorize(running, noPkce)).params
      expect(missing.get('error_description')).toBe('code_challenge is required (PKCE with S256)')
      const noMethod = without(base(), 'code_challenge_method')
      for (const params of [noMethod, { ...base(), code_challenge_method: 'plain' }]) {
        const answer = redirectParams(await authorize(running, params)).params
        expect(answer.get('error')).toBe('invalid_request')
        expect(answer.get('error_description')).toBe(
          'code_challenge_method must be S256; plain is not supported',
        )
      }
    })

    it('answers unauthorized_client to a client without the authorization_code grant', async () => {
      const response = await authorize(running, { ...base(), client_id: 'machine' })
      expect(redirectParams(response).params.get('error')).toBe('unauthorized_client')
    })

    it('refuses a repeated parameter, and a repeated redirect_uri without redirecting', async () => {
      const url = new URL(running.authorizationEndpoint)
      for (const [name, value] of Object.entries(base())) url.searchParams.append(name, value)
      url.searchParams.append('scope', 'pets:read')
      url.searchParams.append('scope', 'pets:write')
      const repeated = await fetch(url, { redirect: 'manual' })
      expect(redirectParams(repeated).params.get('error')).toBe('invalid_request')
      url.searchParams.append('redirect_uri', 'https://evil.test/')
      const twice = await fetch(url, { redirect: 'manual' })
      expect(twice.status).toBe(400)
      expect(twice.headers.get('location')).toBeNull()
    })
  })
})
