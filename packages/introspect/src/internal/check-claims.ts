import { OAuthError } from '@tokenguard/core'

/** The rules an active introspection result is held to. */
export interface ClaimRules {
  readonly issuer: string
  readonly audiences: ReadonlySet<string>
  readonly requiredClaims: readonly string[]
  readonly toleranceSec: number
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
 * so a cached result still expires on time: `iss` and `aud` when present, `exp` and `nbf`
 * with the clock tolerance, the token type, and the required claims.
 */
export function checkIntrospectedClaims(
  claims: Readonly<Record<string, unknown>>,
  rules: ClaimRules,
  nowMs: number,
): void {
  const now = nowMs / 1000
  if (typeof claims.iss === 'string' && claims.iss !== rules.issuer) {
    throw OAuthError.invalidToken('wrong_issuer', 'The access token comes from an untrusted issuer')
  }
  const aud = claims.aud
  if (aud !== undefined) {
    const list = typeof aud === 'string' ? [aud] : (aud as readonly string[])
    if (!list.some((value) => rules.audiences.has(value))) {
      throw OAuthError.invalidToken('wrong_audience', 'The access token is not meant for this API')
    }
  }
  if (typeof claims.exp === 'number' && now >= claims.exp + rules.toleranceSec) {
    throw OAuthError.invalidToken('token_expired', 'The access token expired')
  }
  if (typeof claims.nbf === 'number' && now + rules.toleranceSec < claims.nbf) {
    throw OAuthError.invalidToken('token_not_yet_valid', 'The access token is not valid yet')
  }
  const tokenType = claims.token_type ?? claims.token_use
  if (typeof tokenType === 'string' && !ACCESS_TOKEN_TYPES.has(tokenType.toLowerCase())) {
    throw OAuthError.invalidToken('wrong_token_type', 'The token is not an access token')
  }
  for (const name of rules.requiredClaims) {
    if (!Object.hasOwn(claims, name)) {
      throw OAuthError.invalidToken('missing_claim', 'The access token lacks a required claim')
    }
  }
}
