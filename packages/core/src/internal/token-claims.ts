import { OAuthError } from '../oauth-error.js'

/**
 * The claim rules of one API, the same for a verified JWT and an active introspection
 * result, so the same claims get the same answer whichever way the token arrived.
 */
export interface TokenClaimRules {
  /** Accepted `aud` values: the token must name at least one (RFC 7519 §4.1.3). */
  readonly audiences: ReadonlySet<string>
  /** Accept a token that names no audience at all. Off unless an operator opted in. */
  readonly acceptMissingAudience: boolean
  /** Refuse a token without `exp` (a self-contained JWT must expire, RFC 8725 §3.10). */
  readonly requireExpiry: boolean
  /** Claims that must be present. */
  readonly requiredClaims: readonly string[]
  /** Oldest accepted token by its `iat`, in seconds; `undefined` for no limit. */
  readonly maxTokenAgeSec: number | undefined
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. */
  readonly toleranceSec: number
}

// Claims of RFC 7519 §4.1 and RFC 9068 §2.2 that are strings whenever they are present.
const STRING_CLAIMS = ['sub', 'client_id', 'jti', 'scope'] as const

/**
 * Holds `claims` to `rules` at `nowMs` and returns the instant, in ms, after which the
 * answer must be worked out again: `exp` (or `iat + maxTokenAgeSec`, if sooner) plus the
 * tolerance, or `Infinity` when the token sets no limit. Throws a fresh 401
 * `invalid_token` {@link OAuthError} whose reason names the rule that failed.
 */
export function checkTokenClaims(
  claims: Readonly<Record<string, unknown>>,
  rules: TokenClaimRules,
  nowMs: number,
): number {
  const now = nowMs / 1000
  const tolerance = rules.toleranceSec
  for (const name of rules.requiredClaims) {
    if (!Object.hasOwn(claims, name)) {
      throw OAuthError.invalidToken('missing_claim', 'The access token lacks a required claim')
    }
  }
  const exp = numericDate(claims, 'exp')
  if (exp === undefined && rules.requireExpiry) {
    throw OAuthError.invalidToken('missing_claim', 'The access token has no expiry')
  }
  if (exp !== undefined && now >= exp + tolerance) {
    throw OAuthError.invalidToken('token_expired', 'The access token expired')
  }
  const nbf = numericDate(claims, 'nbf')
  if (nbf !== undefined && now + tolerance < nbf) {
    throw OAuthError.invalidToken('token_not_yet_valid', 'The access token is not valid yet')
  }
  const iat = numericDate(claims, 'iat')
  if (iat !== undefined && now + tolerance < iat) {
    throw OAuthError.invalidToken('iat_in_future', 'The access token was issued in the future')
  }
  let validUntil = exp === undefined ? Number.POSITIVE_INFINITY : exp + tolerance
  if (rules.maxTokenAgeSec !== undefined) {
    if (iat === undefined) {
      throw OAuthError.invalidToken('missing_claim', 'The access token has no issue time')
    }
    const oldest = iat + rules.maxTokenAgeSec + tolerance
    if (now >= oldest) throw OAuthError.invalidToken('token_too_old', 'The access token is too old')
    validUntil = Math.min(validUntil, oldest)
  }
  checkAudience(claims.aud, rules)
  for (const name of STRING_CLAIMS) {
    if (Object.hasOwn(claims, name) && typeof claims[name] !== 'string') {
      throw OAuthError.invalidToken('malformed_token', 'The access token has a malformed claim')
    }
  }
  return validUntil * 1000
}

function checkAudience(aud: unknown, rules: TokenClaimRules): void {
  if (aud === undefined || (Array.isArray(aud) && aud.length === 0)) {
    if (rules.acceptMissingAudience) return
    throw OAuthError.invalidToken('audience_missing', 'The access token names no audience')
  }
  const matches =
    typeof aud === 'string'
      ? rules.audiences.has(aud)
      : Array.isArray(aud) &&
        aud.some((value) => typeof value === 'string' && rules.audiences.has(value))
  if (!matches) {
    throw OAuthError.invalidToken('wrong_audience', 'The access token is not meant for this API')
  }
}

function numericDate(claims: Readonly<Record<string, unknown>>, name: string): number | undefined {
  if (!Object.hasOwn(claims, name)) return undefined
  const value = claims[name]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw OAuthError.invalidToken('malformed_token', 'The access token has a malformed time claim')
  }
  return value
}
