import type { ResolvedIssuer } from './resolve-issuers.js'
import { refusal } from './refusal.js'

/**
 * Checks the claims of a token whose signature has been verified (RFC 7519 §4.1, RFC 9068
 * §4) and returns the instant, in ms, after which the result must not be reused: `exp`
 * (or `iat + maxTokenAgeSec`, if sooner) plus the clock tolerance.
 */
export function validateClaims(
  claims: Readonly<Record<string, unknown>>,
  header: Readonly<Record<string, unknown>>,
  rules: ResolvedIssuer,
  nowMs: number,
  toleranceSec: number,
): number {
  const now = nowMs / 1000
  for (const name of rules.requiredClaims) {
    if (!Object.hasOwn(claims, name)) {
      throw refusal('missing_claim', 'The access token lacks a required claim')
    }
  }
  const exp = numericDate(claims, 'exp')
  // RFC 8725 §3.10 and this suite's rule: a token that never expires is never accepted.
  if (exp === undefined) {
    throw refusal('missing_claim', 'The access token has no expiry')
  }
  if (now >= exp + toleranceSec) {
    throw refusal('token_expired', 'The access token expired')
  }
  const nbf = numericDate(claims, 'nbf')
  if (nbf !== undefined && now + toleranceSec < nbf) {
    throw refusal('token_not_yet_valid', 'The access token is not valid yet')
  }
  const iat = numericDate(claims, 'iat')
  if (iat !== undefined && now + toleranceSec < iat) {
    throw refusal('iat_in_future', 'The access token was issued in the future')
  }
  let validUntil = exp + toleranceSec
  if (rules.maxTokenAgeSec !== undefined) {
    if (iat === undefined) {
      throw refusal('missing_claim', 'The access token has no issue time')
    }
    const oldest = iat + rules.maxTokenAgeSec + toleranceSec
    if (now >= oldest) throw refusal('token_too_old', 'The access token is too old')
    validUntil = Math.min(validUntil, oldest)
  }
  if (!audienceMatches(claims.aud, rules.audiences)) {
    throw refusal('wrong_audience', 'The access token is not meant for this API')
  }
  for (const name of ['sub', 'client_id', 'jti', 'scope'] as const) {
    if (Object.hasOwn(claims, name) && typeof claims[name] !== 'string') {
      throw refusal('malformed_token', 'The access token has a malformed claim')
    }
  }
  for (const validator of rules.validators) {
    if (validator(claims, header) === false) {
      throw refusal('claim_check_failed', 'The access token failed a claim check')
    }
  }
  return validUntil * 1000
}

function numericDate(claims: Readonly<Record<string, unknown>>, name: string): number | undefined {
  if (!Object.hasOwn(claims, name)) return undefined
  const value = claims[name]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw refusal('malformed_token', 'The access token has a malformed time claim')
  }
  return value
}

function audienceMatches(aud: unknown, accepted: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return accepted.has(aud)
  if (!Array.isArray(aud)) return false
  return aud.some((value) => typeof value === 'string' && accepted.has(value))
}
