/** A successful token response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
export interface TokenResponse {
  readonly access_token: string
  readonly token_type: 'Bearer'
  readonly expires_in: number
  readonly scope?: string
  readonly refresh_token?: string
  readonly id_token?: string
}

/** Error codes of the token endpoint (RFC 6749 §5.2, RFC 8628 §3.5). */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'access_denied'

/** What a grant answers: tokens, or an error with a fixed description. */
export type TokenAnswer =
  | { readonly ok: true; readonly body: TokenResponse }
  | { readonly ok: false; readonly error: TokenErrorCode; readonly description: string }

/** A token endpoint error. `description` must never contain a token, code or secret. */
export function tokenError(error: TokenErrorCode, description: string): TokenAnswer {
  return { ok: false, error, description }
}
