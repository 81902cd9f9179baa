import type { Middleware } from '@tokenguard/core'
import { compileClaimCheck, type ClaimRequirement } from './check-claims.js'
import { compileScopeCheck } from './check-scopes.js'
import {
  compileUserAuthenticationCheck,
  type UserAuthenticationOptions,
} from './check-user-authentication.js'
import { readAuth } from './internal/auth.js'
import { guard } from './internal/guard.js'
import { challengeOf, type ScopeCheckOptions } from './options.js'

// Correct calls, shown in the TypeError of a wrong one.
const ALL_USAGE = "requireScopes('read:pets', 'write:pets')"
const ANY_USAGE = "requireAnyScope('admin', 'support')"

/** The guards, sharing one set of {@link ScopeCheckOptions}. */
export interface ScopeGuards {
  /** A guard that lets a request through only when the token has every one of `scopes`. */
  readonly requireScopes: (...scopes: string[]) => Middleware
  /** A guard that lets a request through when the token has at least one of `scopes`. */
  readonly requireAnyScope: (...scopes: string[]) => Middleware
  /** A guard that lets a request through only when the token's claims satisfy `requirement`. */
  readonly requireClaims: (requirement: ClaimRequirement) => Middleware
  /**
   * A guard that lets a request through only when the user authenticated as `requirement`
   * asks (RFC 9470 step-up): an accepted `acr`, an `auth_time` recent enough.
   */
  readonly requireUserAuthentication: (requirement: UserAuthenticationOptions) => Middleware
}

/**
 * Builds the guards with shared options, such as the `realm` of their challenges. The
 * top-level `requireScopes`, `requireAnyScope`, `requireClaims` and
 * `requireUserAuthentication` are these guards with no options. Throws a `TypeError` at
 * start-up for a bad option.
 *
 * @example
 * const { requireScopes, requireClaims } = createScopeGuards({ realm: 'petstore' })
 * app.delete('/pets/:id', requireScopes('write:pets'), deletePet)
 */
export function createScopeGuards(options: ScopeCheckOptions = {}): ScopeGuards {
  const challenge = challengeOf(options)
  return {
    requireScopes: (...scopes) => {
      const check = compileScopeCheck(ALL_USAGE, scopes, 'all', challenge)
      return function requireScopesMiddleware(req, _res, next) {
        guard(() => check(readAuth(req)), next)
      }
    },
    requireAnyScope: (...scopes) => {
      const check = compileScopeCheck(ANY_USAGE, scopes, 'any', challenge)
      return function requireAnyScopeMiddleware(req, _res, next) {
        guard(() => check(readAuth(req)), next)
      }
    },
    requireClaims: (requirement) => {
      const check = compileClaimCheck('requireClaims', requirement, challenge)
      return function requireClaimsMiddleware(req, _res, next) {
        guard(() => check(readAuth(req)), next)
      }
    },
    requireUserAuthentication: (requirement) => {
      const check = compileUserAuthenticationCheck(
        'requireUserAuthentication',
        requirement,
        challenge,
      )
      return function requireUserAuthenticationMiddleware(req, _res, next) {
        guard(() => check(readAuth(req)), next)
      }
    },
  }
}

const defaults = createScopeGuards()

/**
 * Route guard: the request goes on only when `req.auth` (set by a tokenguard bearer
 * middleware) has every one of `scopes`. Otherwise it calls `next` with an `OAuthError`: 403
 * `insufficient_scope` with `scope="<all of scopes>"` in `WWW-Authenticate`, or 401 when there
 * is no `req.auth`. It never ends the response. Throws a `TypeError` at start-up when no
 * scope is given, or a scope is not a single scope token.
 *
 * @example
 * app.post('/pets', requireScopes('write:pets'), createPet)
 */
export function requireScopes(...scopes: string[]): Middleware {
  return defaults.requireScopes(...scopes)
}

/**
 * Route guard: the request goes on when `req.auth` has at least one of `scopes`. Otherwise
 * 403 `insufficient_scope` with `scope="<all accepted scopes>"`, or 401 without `req.auth`.
 *
 * @example
 * app.get('/reports', requireAnyScope('reports:read', 'admin'), listReports)
 */
export function requireAnyScope(...scopes: string[]): Middleware {
  return defaults.requireAnyScope(...scopes)
}

/**
 * Route guard on the token's claims: `{ equals, includes }` or a predicate. Otherwise 403
 * `insufficient_scope` with reason `claim_check_failed`, or 401 without `req.auth`. A predicate
 * that throws, or returns something other than a boolean, is passed on as that error.
 *
 * @example
 * app.get('/admin', requireClaims({ equals: { tenant: 'acme' }, includes: { groups: 'admin' } }))
 * app.get('/me', requireClaims((claims) => claims.email_verified === true), showMe)
 */
export function requireClaims(requirement: ClaimRequirement): Middleware {
  return defaults.requireClaims(requirement)
}

/**
 * Route guard for step-up authentication (RFC 9470): the request goes on only when the token's
 * `acr` claim is one of `acrValues` and/or its `auth_time` is at most `maxAgeSec` seconds old
 * (give one or both). Otherwise it calls `next` with an `OAuthError`: 401
 * `insufficient_user_authentication` with `acr_values="..."` and/or `max_age="..."` in
 * `WWW-Authenticate` (the whole requirement, so one new sign-in satisfies it), or 401 without
 * `req.auth`. A token without `auth_time` never satisfies `maxAgeSec`. Options:
 * `clockToleranceSec` (default 5) and `now` (default `Date.now`). Throws a `TypeError` at
 * start-up for a bad option.
 *
 * @example
 * const stepUp = requireUserAuthentication({ acrValues: ['mfa'], maxAgeSec: 300 })
 * app.post('/transfers', requireScopes('payments'), stepUp, createTransfer)
 */
export function requireUserAuthentication(requirement: UserAuthenticationOptions): Middleware {
  return defaults.requireUserAuthentication(requirement)
}
