import { checkTokenClaims } from '@tokenguard/core/internal'
import type { ResolvedIssuer } from './resolve-issuers.js'
import { refusal } from './refusal.js'

/**
 * Checks the claims of a token whose signature has been verified (RFC 7519 §4.1, RFC 9068
 * §4) against the issuer's claim rules, the ones introspection results are held to too,
 * then runs the app's validators. Returns the instant, in ms, after which the result must
 * not be reused: `exp` (or `iat + maxTokenAgeSec`, if sooner) plus the clock tolerance.
 * Runs on every request, cache hits included.
 */
export function validateClaims(
  claims: Readonly<Record<string, unknown>>,
  header: Readonly<Record<string, unknown>>,
  rules: ResolvedIssuer,
  nowMs: number,
): number {
  const validUntilMs = checkTokenClaims(claims, rules.claims, nowMs)
  for (const validator of rules.validators) {
    if (validator(claims, header) === false) {
      throw refusal('claim_check_failed', 'The access token failed a claim check')
    }
  }
  return validUntilMs
}
