/**
 * A grant type of the mock authorization server's token endpoint: `client_credentials` (RFC 6749 §4.4),
 * `authorization_code` with PKCE (RFC 6749 §4.1, RFC 7636), `refresh_token` (RFC 6749 §6)
 * and the device authorization grant (RFC 8628 §3.4).
 */
export type GrantType =
  | 'client_credentials'
  | 'authorization_code'
  | 'refresh_token'
  | 'urn:ietf:params:oauth:grant-type:device_code'

/**
 * What an access token from the token endpoint is: a JWT (RFC 9068, `typ: at+jwt`) that
 * APIs verify against the JWKS, or an opaque token that APIs introspect (RFC 7662).
 */
export type TokenFormat = 'jwt' | 'opaque'

/**
 * Every {@link GrantType}, in a stable order; a client without `grant_types` may use them all.
 *
 * @example
 * server.registerClient({ client_id: 'cli', client_secret: SECRET, grant_types: GRANT_TYPES })
 */
export const GRANT_TYPES: readonly GrantType[] = Object.freeze([
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
])
