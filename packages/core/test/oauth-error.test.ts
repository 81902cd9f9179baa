import { describe, expect, it } from 'vitest'
import { OAuthError } from '@tokenguard/core'

const challengeOf = (err: OAuthError): string | undefined => err.headers['WWW-Authenticate']

describe('OAuthError.missingCredentials', () => {
  it('answers 401 with a bare Bearer challenge and no error code', () => {
    const err = OAuthError.missingCredentials()
    expect(err).toMatchObject({
      status: 401,
      statusCode: 401,
      code: undefined,
      reason: 'missing_token',
      message: 'An access token is required',
    })
    expect(err.headers).toEqual({ 'WWW-Authenticate': 'Bearer' })
  })

  it('carries only the realm once withChallenge adds one', () => {
    const err = OAuthError.missingCredentials().withChallenge({ realm: 'api' })
    expect(challengeOf(err)).toBe('Bearer realm="api"')
  })

  it('keeps error fields out of the challenge even when they are passed as parameters', () => {
    const err = OAuthError.missingCredentials('missing_token', {
      challenge: { realm: 'api', error: 'invalid_token', error_description: 'forged' },
    })
    expect(challengeOf(err)).toBe('Bearer realm="api"')
  })

  it('renders a body without an error member', () => {
    expect(OAuthError.missingCredentials().toJSON()).toEqual({
      error_description: 'An access token is required',
    })
  })
})

describe('OAuthError.invalidRequest', () => {
  it('answers 400 invalid_request with the description in the challenge', () => {
    const err = OAuthError.invalidRequest(
      'malformed_header',
      'The Authorization header is malformed',
    )
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', reason: 'malformed_header' })
    expect(challengeOf(err)).toBe(
      'Bearer error="invalid_request", error_description="The Authorization header is malformed"',
    )
  })

  it('puts the realm first when one is given', () => {
    const err = OAuthError.invalidRequest('multiple_methods', 'Two methods', {
      challenge: { realm: 'api' },
    })
    expect(challengeOf(err)).toBe(
      'Bearer realm="api", error="invalid_request", error_description="Two methods"',
    )
  })
})

describe('OAuthError.invalidToken', () => {
  it('answers 401 invalid_token with the given description', () => {
    const err = OAuthError.invalidToken('token_expired', 'The access token expired').withChallenge({
      realm: 'api',
    })
    expect(err).toMatchObject({ status: 401, code: 'invalid_token', reason: 'token_expired' })
    expect(challengeOf(err)).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    )
  })

  it('uses a generic description by default', () => {
    expect(challengeOf(OAuthError.invalidToken('bad_signature'))).toBe(
      'Bearer error="invalid_token", error_description="The access token is invalid"',
    )
  })

  it('renders the RFC 6750 body', () => {
    expect(JSON.parse(JSON.stringify(OAuthError.invalidToken('bad_signature')))).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is invalid',
    })
  })
})

describe('OAuthError.insufficientScope', () => {
  it('answers 403 insufficient_scope naming the scopes space-delimited', () => {
    const err = OAuthError.insufficientScope(['a', 'b'])
    expect(err).toMatchObject({
      status: 403,
      code: 'insufficient_scope',
      reason: 'insufficient_scope',
    })
    expect(challengeOf(err)).toBe(
      'Bearer error="insufficient_scope", ' +
        'error_description="The access token does not have the scope this resource requires", ' +
        'scope="a b"',
    )
  })

  it('adds the realm in front when withChallenge gives one', () => {
    const err = OAuthError.insufficientScope(['read:pets'], 'Needs read:pets').withChallenge({
      realm: 'petstore',
    })
    expect(challengeOf(err)).toBe(
      'Bearer realm="petstore", error="insufficient_scope", error_description="Needs read:pets", scope="read:pets"',
    )
  })

  it('leaves the scope attribute out when no scope is a valid scope token', () => {
    expect(challengeOf(OAuthError.insufficientScope(['', 'bad"scope'], 'x'))).toBe(
      'Bearer error="insufficient_scope", error_description="x"',
    )
  })
})

describe('OAuthError.claimCheckFailed', () => {
  it('answers 403 insufficient_scope with reason claim_check_failed and no scope', () => {
    const err = OAuthError.claimCheckFailed()
    expect(err).toMatchObject({
      status: 403,
      code: 'insufficient_scope',
      reason: 'claim_check_failed',
    })
    expect(challengeOf(err)).toBe(
      'Bearer error="insufficient_scope", ' +
        'error_description="The access token does not satisfy the requirements of this resource"',
    )
  })
})

describe('OAuthError.insufficientUserAuthentication', () => {
  it('answers 401 insufficient_user_authentication with acr_values (RFC 9470 §3)', () => {
    const err = OAuthError.insufficientUserAuthentication({ acrValues: ['myACR'] })
    expect(err).toMatchObject({
      status: 401,
      code: 'insufficient_user_authentication',
      reason: 'insufficient_user_authentication',
    })
    expect(challengeOf(err)).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="A different authentication level is required", acr_values="myACR"',
    )
  })

  it('writes max_age in whole seconds', () => {
    const err = OAuthError.insufficientUserAuthentication({ maxAgeSec: 5.9 })
    expect(challengeOf(err)).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="More recent authentication is required", max_age="5"',
    )
  })

  it('writes both parameters, acr values in order of preference, after the realm', () => {
    const err = OAuthError.insufficientUserAuthentication(
      { acrValues: ['phr', 'phrh'], maxAgeSec: 300 },
      undefined,
      { challenge: { realm: 'api' } },
    )
    expect(challengeOf(err)).toBe(
      'Bearer realm="api", error="insufficient_user_authentication", ' +
        'error_description="A different authentication level and more recent authentication are required", ' +
        'acr_values="phr phrh", max_age="300"',
    )
    expect(err.toJSON()).toEqual({
      error: 'insufficient_user_authentication',
      error_description:
        'A different authentication level and more recent authentication are required',
    })
  })

  it('takes a description, and leaves out acr values or a max age it cannot write', () => {
    const err = OAuthError.insufficientUserAuthentication(
      { acrValues: ['a"b', 'caf\u00e9', 'urn:example:loa:3'], maxAgeSec: -1 },
      'Sign in with your security key',
    )
    expect(challengeOf(err)).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="Sign in with your security key", acr_values="urn:example:loa:3"',
    )
    expect(challengeOf(OAuthError.insufficientUserAuthentication({ maxAgeSec: NaN }))).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="The user must authenticate again"',
    )
  })
})

describe('OAuthError.temporarilyUnavailable', () => {
  it('answers 503 with Retry-After and no challenge', () => {
    const err = OAuthError.temporarilyUnavailable('jwks_unavailable', 30, {
      challenge: { realm: 'api' },
    })
    expect(err).toMatchObject({
      status: 503,
      code: 'temporarily_unavailable',
      reason: 'jwks_unavailable',
    })
    expect(err.headers).toEqual({ 'Retry-After': '30' })
  })

  it('rounds Retry-After up to a whole second, at least 1', () => {
    expect(OAuthError.temporarilyUnavailable('jwks_unavailable', 2.1).headers).toEqual({
      'Retry-After': '3',
    })
    expect(OAuthError.temporarilyUnavailable('jwks_unavailable', -4).headers).toEqual({
      'Retry-After': '1',
    })
  })

  it('answers Retry-After 5 when the delay is not a finite number', () => {
    for (const delay of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(OAuthError.temporarilyUnavailable('introspection_unavailable', delay).headers).toEqual(
        {
          'Retry-After': '5',
        },
      )
    }
  })

  it('keeps the same headers through withChallenge', () => {
    const err = OAuthError.temporarilyUnavailable('jwks_unavailable', 10).withChallenge({
      realm: 'x',
    })
    expect(err.headers).toEqual({ 'Retry-After': '10' })
  })
})

describe('OAuthError', () => {
  it('is an Error whose name is OAuthError and whose message is the description', () => {
    const err = OAuthError.invalidToken('token_expired', 'The access token expired')
    expect(err).toBeInstanceOf(Error)
    expect(err).toBeInstanceOf(OAuthError)
    expect(err.name).toBe('OAuthError')
    expect(err.message).toBe(err.description)
    expect(err.expose).toBe(true)
  })

  it('keeps the cause for logs without rendering it', () => {
    const cause = new Error('socket hang up')
    const err = OAuthError.temporarilyUnavailable('jwks_unavailable', 5, { cause })
    expect(err.cause).toBe(cause)
    expect(JSON.stringify(err)).not.toContain('socket')
  })

  it('has frozen headers', () => {
    const err = OAuthError.invalidToken('bad_signature')
    expect(Object.isFrozen(err.headers)).toBe(true)
  })

  it('lets parameters already on the error win over withChallenge parameters', () => {
    const err = OAuthError.invalidToken('bad_signature', 'x', { challenge: { realm: 'own' } })
    expect(challengeOf(err.withChallenge({ realm: 'other' }))).toBe(
      'Bearer realm="own", error="invalid_token", error_description="x"',
    )
    // Nothing changes, so the same (immutable) error comes back.
    expect(err.withChallenge({ realm: 'other' })).toBe(err)
  })

  it('fills a parameter the error left undefined from withChallenge', () => {
    const err = OAuthError.invalidToken('bad_signature', 'x', { challenge: { realm: undefined } })
    expect(challengeOf(err.withChallenge({ realm: 'api' }))).toBe(
      'Bearer realm="api", error="invalid_token", error_description="x"',
    )
  })

  it('uses the scheme given to withChallenge', () => {
    const err = OAuthError.invalidToken('bad_signature', 'x').withChallenge(
      { realm: 'api' },
      'DPoP',
    )
    expect(challengeOf(err)).toBe('DPoP realm="api", error="invalid_token", error_description="x"')
  })

  it('exposes the challenge parameters it was built with as a copy', () => {
    const err = OAuthError.insufficientScope(['a'], 'x', { challenge: { realm: 'api' } })
    expect(err.challengeParams).toEqual({ realm: 'api', scope: 'a' })
  })

  it('passes extra parameters such as resource_metadata into the challenge', () => {
    const err = OAuthError.missingCredentials('missing_token', {
      challenge: { realm: 'api', resource_metadata: 'https://api.example/.well-known/x' },
    })
    expect(challengeOf(err)).toBe(
      'Bearer realm="api", resource_metadata="https://api.example/.well-known/x"',
    )
  })
})
