import {
  OAuthError,
  type AccessTokenClaims,
  type AuthContext,
  type UserAuthenticationRequirement,
} from '@tokenguard/core'
import { type ChallengeParams } from '@tokenguard/core/internal'
import { isAuthContext } from './internal/auth.js'
import {
  validateUserAuthentication,
  type CompiledUserAuthentication,
} from './internal/validate-user-authentication.js'
import { challengeOf, type ScopeCheckOptions } from './options.js'

/**
 * What a route asks of the user's authentication (RFC 9470): the token's `acr` must be one of
 * `acrValues`, and/or its `auth_time` no more than `maxAgeSec` seconds ago.
 */
export interface UserAuthenticationOptions extends UserAuthenticationRequirement {
  /**
   * Acceptable values of the `acr` claim, in order of preference (sent in that order as
   * `acr_values`). Default: any `acr`.
   */
  readonly acrValues?: readonly string[]
  /**
   * Largest accepted age of the authentication, in whole seconds, measured from the
   * `auth_time` claim; a token without `auth_time` is refused. Default: any age.
   */
  readonly maxAgeSec?: number
  /** Allowed clock skew for `auth_time`, in seconds. Default: 5. */
  readonly clockToleranceSec?: number
  /** Clock in milliseconds. Default: `Date.now`. */
  readonly now?: () => number
}

/**
 * Checks the user authentication behind an {@link AuthContext} (RFC 9470), without any
 * framework. Returns nothing when the `acr` and `auth_time` claims satisfy `requirement`, and
 * throws an {@link OAuthError} otherwise: 401 (`no_auth_context`) when `auth` is not an
 * AuthContext, 401 `insufficient_user_authentication` when they do not. The challenge names
 * the whole requirement of the route (`acr_values` and `max_age`), so that one new sign-in
 * satisfies it; the description says what failed. Throws a `TypeError` for a bad requirement.
 *
 * @example
 * checkUserAuthentication(auth, { acrValues: ['mfa'], maxAgeSec: 300 })
 */
export function checkUserAuthentication(
  auth: AuthContext | undefined,
  requirement: UserAuthenticationOptions,
  options: ScopeCheckOptions = {},
): void {
  const check = compileUserAuthenticationCheck(
    'checkUserAuthentication',
    requirement,
    challengeOf(options),
  )
  const error = check(auth)
  if (error !== undefined) throw error
}

/**
 * Validates and precomputes a step-up check once; the returned function answers the error to
 * pass on, or `undefined` when the authentication satisfies the requirement.
 *
 * @internal
 */
export function compileUserAuthenticationCheck(
  caller: string,
  options: UserAuthenticationOptions,
  challenge: Readonly<ChallengeParams>,
): (auth: unknown) => OAuthError | undefined {
  const compiled = validateUserAuthentication(caller, options)
  const requirement: UserAuthenticationRequirement = {
    ...(compiled.acrValues === undefined ? {} : { acrValues: compiled.acrValues }),
    ...(compiled.maxAgeSec === undefined ? {} : { maxAgeSec: compiled.maxAgeSec }),
  }
  return (auth) => {
    if (!isAuthContext(auth)) return OAuthError.missingCredentials('no_auth_context', { challenge })
    const acrFailed = !acrAccepted(auth.claims, compiled)
    const ageFailed = !recentEnough(auth.claims, compiled)
    if (!acrFailed && !ageFailed) return undefined
    // RFC 9470 §3: 401 insufficient_user_authentication with acr_values and/or max_age.
    return OAuthError.insufficientUserAuthentication(requirement, describe(acrFailed, ageFailed), {
      challenge,
    })
  }
}

function acrAccepted(claims: AccessTokenClaims, compiled: CompiledUserAuthentication): boolean {
  if (compiled.acrValues === undefined) return true
  const acr = Object.hasOwn(claims, 'acr') ? claims.acr : undefined
  return typeof acr === 'string' && compiled.acrValues.includes(acr)
}

function recentEnough(claims: AccessTokenClaims, compiled: CompiledUserAuthentication): boolean {
  const { maxAgeSec, clockToleranceSec } = compiled
  if (maxAgeSec === undefined) return true
  const authTime = Object.hasOwn(claims, 'auth_time') ? claims.auth_time : undefined
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false
  const nowSec = compiled.now() / 1000
  // An auth_time in the future is as suspect as an iat in the future: not a recent sign-in.
  if (authTime > nowSec + clockToleranceSec) return false
  return nowSec - authTime <= maxAgeSec + clockToleranceSec
}

// The wording of the examples of RFC 9470 §3, for what actually failed.
function describe(acrFailed: boolean, ageFailed: boolean): string {
  if (acrFailed && ageFailed) {
    return 'A different authentication level and more recent authentication are required'
  }
  return acrFailed
    ? 'A different authentication level is required'
    : 'More recent authentication is required'
}
