import { errorLike } from '@tokenguard/test-support/errors'
import { createTestIssuer, TEST_ALGORITHMS } from '@tokenguard/test-tokens'
import type { TestIssuer } from '@tokenguard/test-tokens'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createMockAuthorizationServer } from '../src/index.js'
import type { MockAuthorizationServer, RunningAuthorizationServer } from '../src/index.js'

describe('MockAuthorizationServer.listen', () => {
  let issuer: TestIssuer
  let server: MockAuthorizationServer
  let running: RunningAuthorizationServer

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: TEST_ALGORITHMS })
    server = await createMockAuthorizationServer({ issuer })
    running = await server.listen()
  })

  afterAll(() => running.close())

  it('serves the issuer and the authorization server on one origin, the issuer identifier', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.issuer).toBe(issuer)
    expect(issuer.issuer).toBe(running.url)
    expect(decodeJwt(await issuer.sign()).iss).toBe(running.url)
    expect(running.jwksUri).toBe(`${running.url}/jwks.json`)
    expect(running.introspectionEndpoint).toBe(`${running.url}/introspect`)
    expect(running.revocationEndpoint).toBe(`${running.url}/revoke`)
    expect(running.authorizationEndpoint).toBe(`${running.url}/authorize`)
    expect(running.tokenEndpoint).toBe(`${running.url}/token`)
    expect(running.deviceAuthorizationEndpoint).toBe(`${running.url}/device_authorization`)
    expect(running.deviceVerificationUri).toBe(`${running.url}/device`)
    expect(running.userinfoEndpoint).toBe(`${running.url}/userinfo`)
    expect((await fetch(running.jwksUri)).status).toBe(200)
  })

  it.each(['discoveryUrl', 'oauthMetadataUrl'] as const)(
    'serves issuer metadata at %s with every endpoint, grant type and auth method',
    async (name) => {
      const response = await fetch(running[name])
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json')
      const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']
      expect(await response.json()).toEqual({
        issuer: running.url,
        authorization_endpoint: running.authorizationEndpoint,
        token_endpoint: running.tokenEndpoint,
        device_authorization_endpoint: running.deviceAuthorizationEndpoint,
        userinfo_endpoint: running.userinfoEndpoint,
        jwks_uri: running.jwksUri,
        introspection_endpoint: running.introspectionEndpoint,
        revocation_endpoint: running.revocationEndpoint,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: [
          'client_credentials',
          'authorization_code',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        token_endpoint_auth_methods_supported: [...methods, 'none'],
        token_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [...TEST_ALGORITHMS],
        introspection_endpoint_auth_methods_supported: methods,
        introspection_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
        revocation_endpoint_auth_methods_supported: methods,
        revocation_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
      })
    },
  )

  it('counts the requests of both halves, and faults either', async () => {
    running.resetRequests()
    onTestFinished(() => {
      running.setFault('jwks', undefined)
      running.setFault('token', undefined)
    })
    await fetch(running.jwksUri)
    await fetch(running.tokenEndpoint, { method: 'POST' })
    expect(running.requests('/jwks.json')).toBe(1)
    expect(running.requests('/token')).toBe(1)
    running.setFault('jwks', { status: 503 })
    running.setFault('token', { status: 502 })
    expect((await fetch(running.jwksUri)).status).toBe(503)
    expect((await fetch(running.tokenEndpoint, { method: 'POST' })).status).toBe(502)
    expect(() => running.setFault('tokens' as never, { status: 500 })).toThrow(TypeError)
  })

  it('refuses to listen while its issuer listens, on its own or for another server', async () => {
    await expect(server.listen()).rejects.toThrow(
      errorLike(Error, /already listening; close\(\) it first/),
    )
    await expect(issuer.listen()).rejects.toThrow(
      errorLike(Error, /already listening; close\(\) it first/),
    )
  })
})

describe('MockAuthorizationServer.listen options', () => {
  it('rejects a port out of range, a non-boolean autoApprove and unknown options', async () => {
    const server = await createMockAuthorizationServer({ issuerOptions: { algorithms: ['ES256'] } })
    await expect(server.listen({ port: 70_000 })).rejects.toThrow(RangeError)
    await expect(server.listen({ autoApprove: 1 as never })).rejects.toThrow(TypeError)
    const typo = server.listen({ prot: 0 } as never)
    await expect(typo).rejects.toThrow(TypeError)
    await expect(server.listen({ prot: 0 } as never)).rejects.toThrow(
      errorLike(
        TypeError,
        '@tokenguard/mock-authorization-server: unknown option "prot". Did you mean "port"?',
      ),
    )
    expect(server.issuer.issuer).toBe('https://issuer.test')
  })

  it('listens again on a new origin after close, as its issuer does', async () => {
    const server = await createMockAuthorizationServer({ issuerOptions: { algorithms: ['ES256'] } })
    const first = await server.listen()
    onTestFinished(() => first.close())
    await first.close()
    const second = await server.listen()
    onTestFinished(() => second.close())
    expect(second.url).not.toBe(first.url)
    expect(server.issuer.issuer).toBe(second.url)
    expect((await fetch(second.discoveryUrl)).status).toBe(200)
  })
})
