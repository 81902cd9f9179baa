import { OAuthError } from '@tokenguard/core'
import { checkTokenClaims, type TokenClaimRules } from '@tokenguard/core/internal'

/** The rules an active introspection result is held to. */
export interface ClaimRules {
  /** The configured issuer: a result that names another `iss` is refused. */
  readonly issuer: string
  /** The rules a JWT is held to as well, so both answer alike. */
  readonly claims: TokenClaimRules
}

// RFC 7662 §2.2 leaves token_type open: servers answer "Bearer", "DPoP", "access_token"
// or the RFC 8693 URI. Anything else (a refresh token, an ID token) is not for an API.
const ACCESS_TOKEN_TYPES = new Set([
  'bearer',
  'dpop',
  'access_token',
  'n_a',
  'urn:ietf:params:oauth:token-type:access_token',
])

/**
 * Holds an active introspection result to this API's rules, on every use (cached or not),
 * so a cached result still expires on time: `iss` when present, the token type, then the
 * claim rules shared with the JWT verifier (`aud`, `exp`, `nbf`, `iat`, required claims).
 * Returns the instant, in ms, after which the result must be checked again.
 */
export function checkIntrospectedClaims(
  claims: Readonly<Record<string, unknown>>,
  rules: ClaimRules,
  nowMs: number,
): number {
  if (typeof claims.iss === 'string' && claims.iss !== rules.issuer) {
    throw OAuthError.invalidToken('wrong_issuer', 'The access token comes from an untrusted issuer')
  }
  const tokenType = claims.token_type ?? claims.token_use
  if (typeof tokenType === 'string' && !ACCESS_TOKEN_TYPES.has(tokenType.toLowerCase())) {
    throw OAuthError.invalidToken('wrong_token_type', 'The token is not an access token')
  }
  return checkTokenClaims(claims, rules.claims, nowMs)
}
