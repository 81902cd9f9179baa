/**
 * Keys whose values are always redacted, at any depth, compared case-insensitively with `-`
 * and `_` alike or left out (`access_token`, `Access-Token` and `accessToken` are one key).
 * Keys that end in `token`, `secret`, `password` or `passwd` are redacted too.
 *
 * `code` is an OAuth authorization code (RFC 6749 §4.1.2), except when it holds an error code
 * such as `ECONNRESET` or `invalid_token`, which stays readable.
 */
export const SENSITIVE_KEYS: readonly string[] = Object.freeze([
  // Request and response headers that carry credentials.
  'authorization',
  'proxy-authorization',
  'dpop',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  // OAuth 2.0 parameters (RFC 6749, 7521, 7636, 8628, 8693) and OpenID Connect ones.
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'subject_token',
  'actor_token',
  'token',
  'client_secret',
  'client_assertion',
  'assertion',
  'code',
  'authorization_code',
  'auth_code',
  'code_verifier',
  'device_code',
  // Other secrets.
  'password',
  'passwd',
  'secret',
  'private_key',
])
