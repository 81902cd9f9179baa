import { OAuthError, type OAuthErrorReason } from '@tokenguard/core'

/**
 * A 401 `invalid_token` error for one reason and description: a fresh `OAuthError` every
 * time, so an error handler may annotate it (a request id) without the next request seeing
 * it. It captures no stack trace, so a flood of bad tokens pays a small allocation per
 * refusal, not a stack walk.
 */
export function refusal(reason: OAuthErrorReason, description: string): OAuthError {
  return OAuthError.invalidToken(reason, description)
}

/** The 401 for a token whose `kid` the key set does not hold (after any refetch). */
export function unknownKid(): OAuthError {
  return refusal('unknown_kid', 'The token was signed by an unknown key')
}
