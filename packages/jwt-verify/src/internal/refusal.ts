import { OAuthError, type OAuthErrorReason } from '@tokenguard/core'

/**
 * A fresh 401 `invalid_token` error for one refusal. Fresh, so an error handler may annotate
 * it (`err.requestId = ...`) without touching another request's error; cheap, since an
 * `OAuthError` captures no stack trace.
 */
export function refusal(reason: OAuthErrorReason, description: string): OAuthError {
  return OAuthError.invalidToken(reason, description)
}
