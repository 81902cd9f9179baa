/** Options of `TestIssuer.issueOpaque`. */
export interface OpaqueOptions {
  /**
   * Lifetime in seconds: `exp` is `iat` plus this. Negative values issue expired tokens.
   * Default: the issuer's `defaultExpiresInSec` (300).
   */
  expiresInSec?: number
  /**
   * What the token is: introspection answers `token_type: 'Bearer'` for an access token
   * and `token_type: 'refresh_token'` for a refresh token. Default: `'access_token'`.
   */
  tokenType?: 'access_token' | 'refresh_token'
}
