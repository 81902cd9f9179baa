import { OAuthError, type AccessTokenClaims, type AuthContext } from '@tokenguard/core'
import { type ChallengeParams } from '@tokenguard/core/internal'
import { isAuthContext } from './internal/auth.js'
import { matchClaims, validateClaimMatch } from './internal/match-claims.js'
import { challengeOf, type ScopeCheckOptions } from './options.js'

/** A claim value that {@link ClaimMatch.equals} compares with `===`. */
export type ClaimValue = string | number | boolean | null

/** Declarative claim requirements; every listed claim must pass. */
export interface ClaimMatch {
  /** Each claim must be present and strictly equal to the value, e.g. `{ tenant: 'acme' }`. */
  readonly equals?: Readonly<Record<string, ClaimValue>>
  /**
   * Each claim must be an array of strings, or a space-delimited string, that contains every
   * value given, e.g. `{ groups: 'admin', amr: ['mfa', 'hwk'] }`.
   */
  readonly includes?: Readonly<Record<string, string | readonly string[]>>
}

/**
 * A synchronous check of the claims: return `true` to let the request through, `false` to
 * refuse it. Anything else (a Promise included) is a programming error, passed on as such.
 */
export type ClaimPredicate = (claims: AccessTokenClaims, auth: AuthContext) => boolean

/** What {@link checkClaims} and `requireClaims` accept: a {@link ClaimMatch} or a predicate. */
export type ClaimRequirement = ClaimMatch | ClaimPredicate

/**
 * Checks the claims of an {@link AuthContext}, without any framework. Returns nothing when the
 * claims satisfy `requirement`, and throws an {@link OAuthError} otherwise: 401
 * (`no_auth_context`) when `auth` is not an AuthContext, 403 `insufficient_scope` with reason
 * `claim_check_failed` when a claim does not match. Throws a `TypeError` for a bad requirement.
 * Claims are read as own properties only, so inherited names such as `constructor` never match.
 *
 * @example
 * checkClaims(auth, { equals: { tenant: 'acme' }, includes: { groups: 'admin' } })
 * checkClaims(auth, (claims) => claims.email_verified === true)
 */
export function checkClaims(
  auth: AuthContext | undefined,
  requirement: ClaimRequirement,
  options: ScopeCheckOptions = {},
): void {
  const error = compileClaimCheck('checkClaims', requirement, challengeOf(options))(auth)
  if (error !== undefined) throw error
}

/**
 * Validates and precomputes a claim check once; the returned function answers the error to
 * pass on, or `undefined` when the claims match. A predicate that throws throws through it.
 *
 * @internal
 */
export function compileClaimCheck(
  caller: string,
  requirement: ClaimRequirement,
  challenge: Readonly<ChallengeParams>,
): (auth: unknown) => Error | undefined {
  const test = toTest(caller, requirement)
  return (auth) => {
    if (!isAuthContext(auth)) return OAuthError.missingCredentials('no_auth_context', { challenge })
    const result = test(auth)
    if (result === true) return undefined
    if (result === false) return OAuthError.claimCheckFailed(undefined, { challenge })
    const got = result instanceof Promise ? 'a Promise' : typeof result
    return new TypeError(
      `@tokenguard/scopes: the ${caller} predicate must return true or false, got ${got}`,
    )
  }
}

function toTest(caller: string, requirement: ClaimRequirement): (auth: AuthContext) => unknown {
  if (typeof requirement === 'function') {
    if (requirement.constructor.name === 'AsyncFunction') {
      throw new TypeError(
        `@tokenguard/scopes: ${caller} takes a synchronous predicate; check asynchronous ` +
          `conditions in your own middleware`,
      )
    }
    return (auth) => requirement(auth.claims, auth)
  }
  const match = validateClaimMatch(caller, requirement)
  return (auth) => matchClaims(auth.claims, match)
}
