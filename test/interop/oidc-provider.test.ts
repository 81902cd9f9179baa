import { OAuthError } from '@tokenguard/core'
import { createIntrospector, type IntrospectorOptions } from '@tokenguard/introspect'
import { createJwtVerifier } from '@tokenguard/jwt-verify'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createPetstoreApp } from '../../examples/petstore/src/app.js'
import { send, startApi } from '../conformance/support/api.js'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import {
  ACCESS_TOKEN_TTL_SEC,
  API,
  CLIENTS,
  OTHER_API,
  startAuthorizationServer,
  type AuthorizationServer,
} from './authorization-server.js'

// Interop with a real, independent authorization server: oidc-provider 9 on 127.0.0.1,
// issuing RFC 9068 JWT access tokens through resource indicators, opaque tokens with its
// introspection and revocation endpoints, and tokens of a headless authorization code +
// PKCE flow. The PetStore example and the verifiers accept what they should and refuse
// revoked, expired and wrong-audience tokens.

let as: AuthorizationServer
let petstore: LocalServer

function introspection(extra: Partial<IntrospectorOptions> = {}): IntrospectorOptions {
  return {
    issuer: as.issuer,
    audience: API,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: CLIENTS.api.id,
      clientSecret: CLIENTS.api.secret,
    },
    cacheTtlMs: 0,
    ...extra,
  }
}

beforeAll(async () => {
  as = await startAuthorizationServer()
  // JWTs through discovery and the JWKS, opaque tokens through the discovered introspection
  // endpoint: nothing but the issuer and the audience is configured.
  petstore = await serve(
    createPetstoreApp({
      jwt: { issuer: as.issuer, audience: API },
      introspection: introspection(),
    }),
  )
})

afterAll(async () => {
  await petstore.close()
  await as.close()
})

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) =>
      error instanceof OAuthError ? `${error.status} ${error.code} ${error.reason}` : error,
  )

describe('JWT access tokens of oidc-provider', () => {
  it('[RFC9068-4-signature] accepts the RFC 9068 token of a client credentials grant with a resource indicator', async () => {
    const token = await as.clientCredentials('jwt')
    expect((await send(petstore.url, token)).status).toBe(200)
    const strict = createJwtVerifier({ issuer: as.issuer, audience: API, profile: 'rfc9068' })
    const auth = await strict.verify(token)
    expect(auth).toMatchObject({
      issuer: as.issuer,
      clientId: CLIENTS.jwt.id,
      audience: [API],
      source: 'jwt',
    })
    expect(auth.scopes).toEqual(['pets:read', 'pets:write'])
  })

  it('[RFC9068-4-typ] accepts the access token of a headless authorization code + PKCE flow, and refuses its ID token', async () => {
    const { access_token, id_token } = await as.authorizationCode('alice')
    const strict = createJwtVerifier({ issuer: as.issuer, audience: API, profile: 'rfc9068' })
    expect(await strict.verify(access_token)).toMatchObject({
      subject: 'alice',
      clientId: CLIENTS.web.id,
    })
    expect((await send(petstore.url, access_token)).status).toBe(200)
    // The ID token is signed by the same key, but it is no access token: typ JWT, aud the client.
    expect(await outcome(strict.verify(id_token))).toBe('401 invalid_token wrong_typ')
    expect((await send(petstore.url, id_token)).outcome).toBe('401 invalid_token')
  })

  it('[RFC9068-4-audience] refuses a token oidc-provider issued for another resource', async () => {
    const token = await as.clientCredentials('jwt', OTHER_API)
    expect((await send(petstore.url, token)).outcome).toBe('401 invalid_token')
    const verifier = createJwtVerifier({ issuer: as.issuer, audience: API })
    expect(await outcome(verifier.verify(token))).toBe('401 invalid_token wrong_audience')
  })

  it('[RFC7519-4.1.4-exp] refuses a token once its exp has passed on the verifier clock', async () => {
    const token = await as.clientCredentials('jwt')
    const later = createJwtVerifier({
      issuer: as.issuer,
      audience: API,
      now: () => Date.now() + (ACCESS_TOKEN_TTL_SEC + 10) * 1000,
    })
    expect(await outcome(later.verify(token))).toBe('401 invalid_token token_expired')
  })
})

describe('opaque access tokens of oidc-provider', () => {
  it('[RFC7662-2.2-active] accepts an opaque token introspected at the endpoint its metadata names', async () => {
    const token = await as.clientCredentials('opaque')
    expect(token.split('.')).toHaveLength(1)
    const answer = await send(petstore.url, token)
    expect(answer.status).toBe(200)
    const auth = await createIntrospector(introspection()).introspect(token)
    expect(auth).toMatchObject({ clientId: CLIENTS.opaque.id, source: 'introspection' })
  })

  it('[RFC7662-2.2-inactive] refuses an opaque token once its client revoked it (RFC 7009)', async () => {
    const token = await as.clientCredentials('opaque')
    expect((await send(petstore.url, token)).status).toBe(200)
    await as.revoke('opaque', token)
    expect((await send(petstore.url, token)).outcome).toBe('401 invalid_token')
    expect(await outcome(createIntrospector(introspection()).introspect(token))).toBe(
      '401 invalid_token token_inactive',
    )
  })

  it('[RFC7662-4-claims] refuses an opaque token for another resource, and one past its exp on the introspector clock', async () => {
    const other = await as.clientCredentials('opaque', OTHER_API)
    expect((await send(petstore.url, other)).outcome).toBe('401 invalid_token')
    expect(await outcome(createIntrospector(introspection()).introspect(other))).toBe(
      '401 invalid_token wrong_audience',
    )
    const token = await as.clientCredentials('opaque')
    const later = createIntrospector(
      introspection({ now: () => Date.now() + (ACCESS_TOKEN_TTL_SEC + 10) * 1000 }),
    )
    expect(await outcome(later.introspect(token))).toBe('401 invalid_token token_expired')
  })
})

describe('an introspection-only API in front of oidc-provider', () => {
  it('[RFC7662-2.3-token-error] answers 401 invalid_token, not 503, to a JWT: oidc-provider answers 400 unsupported_token_type', async () => {
    const api = await startApi({ kind: 'introspection', introspection: introspection() })
    onTestFinished(() => api.close())
    const jwt = await as.clientCredentials('jwt')
    const answer = await api.get(jwt)
    expect(answer.outcome).toBe('401 invalid_token')
    expect(answer.retryAfter).toBeUndefined()
    expect(api.reasons).toEqual(['token_inactive'])
    const refusal = await createIntrospector(introspection())
      .introspect(jwt)
      .catch((error: unknown) => error)
    expect(String((refusal as OAuthError).cause)).toContain(
      'answered HTTP 400 unsupported_token_type at',
    )
  })

  it('[RFC7662-4-claims] refuses a refresh token with 401 audience_missing: oidc-provider answers active without aud', async () => {
    const api = await startApi({ kind: 'introspection', introspection: introspection() })
    onTestFinished(() => api.close())
    const { refresh_token } = await as.authorizationCode('bob')
    expect(refresh_token).toEqual(expect.any(String))
    const answer = await api.get(refresh_token)
    expect(answer.outcome).toBe('401 invalid_token')
    expect(api.reasons).toEqual(['audience_missing'])
  })
})
