import { OAuthError, type AuthContext } from '@tokenguard/core'
import { type ChallengeParams } from '@tokenguard/core/internal'
import { isAuthContext } from './internal/auth.js'
import { validateScopes } from './internal/validate-scopes.js'
import { challengeOf, type ScopeCheckOptions } from './options.js'

/** `'all'`: every scope is required. `'any'`: one of them is enough. */
export type ScopeMode = 'all' | 'any'

/**
 * Checks the scopes of an {@link AuthContext}, without any framework. Returns nothing when the
 * token has the scopes, and throws an {@link OAuthError} otherwise: 401 (`no_auth_context`)
 * when `auth` is not an AuthContext, 403 `insufficient_scope` naming `required` in the
 * challenge's `scope` when a scope is missing. Throws a `TypeError` for bad arguments.
 *
 * @param mode - `'all'` or `'any'`. Default: `'all'`.
 * @example
 * checkScopes(auth, ['read:pets', 'write:pets']) // throws unless auth has both
 * checkScopes(auth, ['admin', 'support'], 'any', { realm: 'api' })
 */
export function checkScopes(
  auth: AuthContext | undefined,
  required: readonly string[],
  mode: ScopeMode = 'all',
  options: ScopeCheckOptions = {},
): void {
  if (!Array.isArray(required)) {
    throw new TypeError('@tokenguard/scopes: checkScopes takes the required scopes as an array')
  }
  const usage = "checkScopes(auth, ['read:pets', 'write:pets'])"
  const error = compileScopeCheck(usage, required, mode, challengeOf(options))(auth)
  if (error !== undefined) throw error
}

/**
 * Validates and precomputes a scope check once; the returned function answers the error to
 * pass on, or `undefined` when the scopes are there. `usage` is a correct call, shown in
 * `TypeError` messages.
 *
 * @internal
 */
export function compileScopeCheck(
  usage: string,
  required: readonly unknown[],
  mode: ScopeMode,
  challenge: Readonly<ChallengeParams>,
): (auth: unknown) => OAuthError | undefined {
  if (mode !== 'all' && mode !== 'any') {
    throw new TypeError(`@tokenguard/scopes: mode must be 'all' or 'any', got ${String(mode)}`)
  }
  const scopes = validateScopes(usage, required)
  return (auth) => {
    if (!isAuthContext(auth)) return OAuthError.missingCredentials('no_auth_context', { challenge })
    const granted: readonly unknown[] = auth.scopes
    const allowed =
      mode === 'all'
        ? scopes.every((scope) => granted.includes(scope))
        : scopes.some((scope) => granted.includes(scope))
    // RFC 6750 §3.1: 403 insufficient_scope, naming the scopes the resource accepts.
    return allowed ? undefined : OAuthError.insufficientScope(scopes, undefined, { challenge })
  }
}
