import { createHash } from 'node:crypto'
import { secretsEqual } from '@tokenguard/test-tokens/internal'

// RFC 7636 §4.1: 43 to 128 unreserved characters.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
// RFC 7636 §4.2: base64url(SHA-256(verifier)) without padding is exactly 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/**
 * Why an authorization request's PKCE parameters are refused, or `undefined` when they are
 * an S256 challenge. `plain` is refused (RFC 9700 §2.1.1), and so is a missing method,
 * which RFC 7636 §4.3 would read as `plain`.
 */
export function challengeProblem(
  challenge: string | undefined,
  method: string | undefined,
): string | undefined {
  if (challenge === undefined) return 'code_challenge is required (PKCE with S256)'
  if (method !== 'S256') return 'code_challenge_method must be S256; plain is not supported'
  if (!S256_CHALLENGE.test(challenge)) return 'code_challenge must be 43 base64url characters'
  return undefined
}

/**
 * Whether `verifier` is well formed and `BASE64URL(SHA256(verifier))` equals `challenge`
 * (RFC 7636 §4.6), compared in constant time.
 */
export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !VERIFIER.test(verifier)) return false
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url')
  return secretsEqual(computed, challenge)
}
