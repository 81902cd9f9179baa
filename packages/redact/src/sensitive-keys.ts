/**
 * @internal The request and response headers that carry credentials: the first group of
 * {@link SENSITIVE_KEYS}, which pino's header paths are built from.
 */
export const CREDENTIAL_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'dpop',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
])

/**
 * Keys whose values are always redacted, at any depth, compared case-insensitively with `-`
 * and `_` alike or left out (`access_token`, `Access-Token` and `accessToken` are one key).
 * Keys that end in `token`, `secret`, `password` or `passwd` are redacted too, and so are keys
 * whose last word (camelCase, snake_case or kebab-case) is a secret word (`sessionToken`,
 * `db_pwd`, `userJwt`) or an `id`/`key` after one (`session_id`, `signingKey`, `apiKey`); a
 * `tokens` object is redacted whole, a `tokens` count is not.
 *
 * `code` is an OAuth authorization code (RFC 6749 §4.1.2), except when it holds an error code
 * such as `ECONNRESET` or `invalid_token`, which stays readable.
 */
export const SENSITIVE_KEYS: readonly string[] = Object.freeze([
  // Request and response headers that carry credentials.
  ...CREDENTIAL_HEADERS,
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
  'signing_key',
  'secret_access_key',
  'pwd',
  'pass',
  'jwt',
  'session',
  'session_id',
  'sid',
])
