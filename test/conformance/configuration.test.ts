import { generateKeyPairSync } from 'node:crypto'
import {
  createIntrospector,
  introspectionBearer,
  type IntrospectorOptions,
} from '@tokenguard/introspect'
import { createJwtVerifier, jwtBearer, type JwtVerifierOptions } from '@tokenguard/jwt-verify'
import { describe, expect, it } from 'vitest'

// Configuration mistakes fail at start-up, in the factory, with a message that names the
// option and says what to change (DESIGN.md, "Rules that hold everywhere").

const JWT = '@tokenguard/jwt-verify'
const INTROSPECT = '@tokenguard/introspect'
const ISSUER = 'https://login.example.com'
const AUDIENCE = 'https://api.example.com'
const SECRET = 'x'.repeat(32)

/** Runs `build` and returns the start-up error it threw, as `Type: message`. */
function startupError(build: () => unknown): string {
  try {
    build()
  } catch (error) {
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)
  }
  return 'no error at start-up'
}

const jwtFactories = [
  ['jwtBearer', (options: unknown) => jwtBearer(options as JwtVerifierOptions)],
  ['createJwtVerifier', (options: unknown) => createJwtVerifier(options as JwtVerifierOptions)],
] as const

const introspectionFactories = [
  [
    'introspectionBearer',
    (options: unknown) => introspectionBearer(options as IntrospectorOptions),
  ],
  ['createIntrospector', (options: unknown) => createIntrospector(options as IntrospectorOptions)],
] as const

const clientAuth = { method: 'client_secret_basic', clientId: 'api', clientSecret: 's3cret-value' }

describe.each(jwtFactories)('%s start-up checks', (_name, build) => {
  it.each([
    [
      'no issuer',
      { audience: AUDIENCE },
      `TypeError: ${JWT}: issuer is required (the exact "iss" of your tokens)`,
    ],
    [
      'no audience',
      { issuer: ISSUER },
      `TypeError: ${JWT}: audience is required for issuer "${ISSUER}" (the "aud" your API accepts)`,
    ],
    [
      'an empty audience list',
      { issuer: ISSUER, audience: [] },
      `TypeError: ${JWT}: audience is required for issuer "${ISSUER}" (the "aud" your API accepts)`,
    ],
    [
      'an http issuer outside localhost',
      { issuer: 'http://login.example.com', audience: AUDIENCE },
      `TypeError: ${JWT}: issuer "http://login.example.com" must use https (http is allowed only for localhost, or with allowInsecureHttp: true)`,
    ],
    [
      'an http jwksUri outside localhost',
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: 'http://login.example.com/jwks' },
      `TypeError: ${JWT}: jwksUri "http://login.example.com/jwks" must use https (http is allowed only for localhost, or with allowInsecureHttp: true)`,
    ],
    [
      'an HS algorithm beside a JWKS',
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUri: `${ISSUER}/jwks`,
        algorithms: ['RS256', 'HS256'],
      },
      `TypeError: ${JWT}: algorithm "HS256" needs a secret (HS*) or is unknown; use one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519`,
    ],
    [
      'a secret beside a JWKS',
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks`, secret: SECRET },
      `TypeError: ${JWT}: secret cannot be combined with jwks or jwksUri (algorithm confusion, RFC 8725 §2.1)`,
    ],
    [
      'an asymmetric algorithm beside a secret',
      { issuer: ISSUER, audience: AUDIENCE, secret: SECRET, algorithms: ['RS256'] },
      `TypeError: ${JWT}: with a secret only HS256, HS384, HS512 are allowed, not "RS256"`,
    ],
    [
      'alg none',
      { issuer: ISSUER, audience: AUDIENCE, algorithms: ['none'] },
      `TypeError: ${JWT}: algorithm "none" is never accepted (RFC 8725 §3.1)`,
    ],
    [
      'a typo in an option name',
      { issuer: ISSUER, audiance: AUDIENCE },
      `TypeError: ${JWT}: unknown option "audiance". Did you mean "audience"?`,
    ],
    [
      'a typo in a unit suffix',
      { issuer: ISSUER, audience: AUDIENCE, clockToleranceSecs: 5 },
      `TypeError: ${JWT}: unknown option "clockToleranceSecs". Did you mean "clockToleranceSec"?`,
    ],
    [
      'a typo in an issuers entry',
      { audience: AUDIENCE, issuers: [{ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks` }] },
      `TypeError: ${JWT}: unknown option "jwks_uri". Did you mean "jwksUri"?`,
    ],
    [
      'an unknown profile',
      { issuer: ISSUER, audience: AUDIENCE, profile: 'strict' },
      `TypeError: ${JWT}: profile must be 'lenient' or 'rfc9068'`,
    ],
    [
      'an issuer with a query',
      { issuer: `${ISSUER}/?tenant=a`, audience: AUDIENCE },
      `TypeError: ${JWT}: issuer "${ISSUER}/?tenant=a" must not have a query or a fragment (OpenID Connect Discovery §2, RFC 8414 §2): give the exact "iss" of your tokens, such as ${ISSUER}/tenant-a`,
    ],
    [
      'an issuer with a fragment, in an issuers entry',
      { audience: AUDIENCE, issuers: [{ issuer: `${ISSUER}#main`, jwksUri: `${ISSUER}/jwks` }] },
      `TypeError: ${JWT}: issuer "${ISSUER}#main" must not have a query or a fragment (OpenID Connect Discovery §2, RFC 8414 §2): give the exact "iss" of your tokens, such as ${ISSUER}/tenant-a`,
    ],
    [
      'a negative clock tolerance',
      { issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: -1 },
      `RangeError: ${JWT}: clockToleranceSec must be a non-negative number`,
    ],
  ])(
    '[DESIGN-config-fail-fast] fails at start-up on %s, saying what to change',
    (_case, options, message) => {
      expect(startupError(() => build(options))).toBe(message)
    },
  )

  it('[RFC7518-3.2-hmac-key] refuses an HMAC secret shorter than the hash output at start-up', () => {
    expect(startupError(() => build({ issuer: ISSUER, audience: AUDIENCE, secret: 'short' }))).toBe(
      `RangeError: ${JWT}: secret must be at least 32 bytes for HS256 (RFC 7518 §3.2)`,
    )
    expect(
      startupError(() =>
        build({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET, algorithms: ['HS512'] }),
      ),
    ).toBe(`RangeError: ${JWT}: secret must be at least 64 bytes for HS512 (RFC 7518 §3.2)`)
  })

  it('[DESIGN-config-fail-fast] fails at start-up on a typo inside jwksOptions', () => {
    const options = { issuer: ISSUER, audience: AUDIENCE, jwksOptions: { cooldownMS: 1_000 } }
    expect(startupError(() => build(options))).toBe(
      `TypeError: ${JWT}: unknown option "cooldownMS". Did you mean "cooldownMs"?`,
    )
  })
})

describe.each(introspectionFactories)('%s start-up checks', (_name, build) => {
  it.each([
    [
      'no issuer',
      { audience: AUDIENCE, clientAuth },
      `TypeError: ${INTROSPECT}: issuer is required (the authorization server's issuer identifier)`,
    ],
    [
      'no audience',
      { issuer: ISSUER, clientAuth },
      `TypeError: ${INTROSPECT}: audience is required (the "aud" your API accepts)`,
    ],
    [
      'no client authentication',
      { issuer: ISSUER, audience: AUDIENCE },
      `TypeError: ${INTROSPECT}: clientAuth is required: { method, ... }`,
    ],
    [
      'an unknown client authentication method',
      { issuer: ISSUER, audience: AUDIENCE, clientAuth: { ...clientAuth, method: 'basic' } },
      `TypeError: ${INTROSPECT}: clientAuth.method must be client_secret_basic, client_secret_post, private_key_jwt or bearer`,
    ],
    [
      'a client secret left out',
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        clientAuth: { method: 'client_secret_post', clientId: 'api' },
      },
      `TypeError: ${INTROSPECT}: clientAuth.clientSecret must be a non-empty string`,
    ],
    [
      'an http issuer outside localhost',
      { issuer: 'http://login.example.com', audience: AUDIENCE, clientAuth },
      `TypeError: ${INTROSPECT}: issuer "http://login.example.com" must use https (http is allowed only for localhost, or with allowInsecureHttp: true)`,
    ],
    [
      'an http introspection endpoint outside localhost',
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        clientAuth,
        introspectionEndpoint: 'http://login.example.com/introspect',
      },
      `TypeError: ${INTROSPECT}: introspectionEndpoint "http://login.example.com/introspect" must use https (http is allowed only for localhost, or with allowInsecureHttp: true)`,
    ],
    [
      'an issuer with a query',
      { issuer: `${ISSUER}?x=1`, audience: AUDIENCE, clientAuth },
      `TypeError: ${INTROSPECT}: issuer "${ISSUER}?x=1" must not have a query or a fragment (OpenID Connect Discovery §2, RFC 8414 §2): give the exact "iss" of your tokens, such as ${ISSUER}/tenant-a`,
    ],
    [
      'a typo in an option name',
      { issuer: ISSUER, audience: AUDIENCE, clientAuth, introspectionEndpiont: `${ISSUER}/i` },
      `TypeError: ${INTROSPECT}: unknown option "introspectionEndpiont". Did you mean "introspectionEndpoint"?`,
    ],
    [
      'a zero timeout',
      { issuer: ISSUER, audience: AUDIENCE, clientAuth, timeoutMs: 0 },
      `RangeError: ${INTROSPECT}: timeoutMs must be a positive number, at most 2147483647`,
    ],
  ])(
    '[DESIGN-config-fail-fast] fails at start-up on %s, saying what to change',
    (_case, options, message) => {
      expect(startupError(() => build(options))).toBe(message)
    },
  )

  it('[DESIGN-config-fail-fast] fails at start-up on a typo inside clientAuth', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const options = {
      issuer: ISSUER,
      audience: AUDIENCE,
      clientAuth: { method: 'private_key_jwt', clientId: 'api', privateKey, audiance: ISSUER },
    }
    expect(startupError(() => build(options))).toBe(
      `TypeError: ${INTROSPECT}: clientAuth: unknown option "audiance". Did you mean "audience"?`,
    )
  })

  it('never puts the client secret in a start-up error', () => {
    const secret = 'do-not-print-this-secret'
    const message = startupError(() =>
      build({
        issuer: 'http://login.example.com',
        audience: AUDIENCE,
        clientAuth: { ...clientAuth, clientSecret: secret },
      }),
    )
    expect(message).not.toContain(secret)
  })
})
