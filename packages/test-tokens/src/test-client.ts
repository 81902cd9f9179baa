import type { JWK } from 'jose'
import type { GrantType, TokenFormat } from './grant-type.js'

/**
 * A client registered with the test issuer, which may call its token, introspection
 * (RFC 7662) and revocation (RFC 7009) endpoints. Give at least one credential (each enables
 * the matching client authentication method), or `token_endpoint_auth_method: 'none'` for a
 * public client. Fields keep their RFC 7591 §2 spelling.
 */
export interface TestClient {
  /** The client identifier (RFC 6749 §2.2). */
  readonly client_id: string
  /** Shared secret for `client_secret_basic` and `client_secret_post` (RFC 6749 §2.3.1). */
  readonly client_secret?: string
  /**
   * Public keys for `private_key_jwt` (RFC 7523 §2.2): client assertions signed by one of
   * them are accepted. Public members only; a private member (`d`, `k`, ...) is refused.
   */
  readonly jwks?: { readonly keys: readonly JWK[] }
  /**
   * A static bearer token the client may send as `Authorization: Bearer <bearer_token>`
   * instead, for resource servers configured with "a bearer token" for introspection.
   */
  readonly bearer_token?: string
  /**
   * `'none'` makes a public client (RFC 6749 §2.1): no credential, it names itself with
   * `client_id` at `/token` and `/device_authorization`, cannot use `client_credentials`,
   * `/introspect` or `/revoke`, and always uses PKCE. Default: a confidential client.
   */
  readonly token_endpoint_auth_method?: 'none'
  /**
   * Redirect URIs for `/authorize`, compared with the request's `redirect_uri` by exact
   * string match (RFC 9700 §4.1.3); absolute, without a fragment. Default: none, so the
   * client cannot use `/authorize`.
   */
  readonly redirect_uris?: readonly string[]
  /** Grants the client may use at `/token`. Default: every {@link GrantType}. */
  readonly grant_types?: readonly GrantType[]
  /**
   * Scopes the client may ask for, space-separated (RFC 6749 §3.3); also the scope granted
   * when a request names none. Default: any scope, and none when a request names none.
   */
  readonly scope?: string
  /**
   * Format of the access tokens the client gets from `/token`; a token request may override
   * it with the test-only parameter `token_format`. Default: `'jwt'`.
   */
  readonly token_format?: TokenFormat
}

/**
 * The client an issuer registers when the `clients` option is not given:
 * `client_id: 'test-client'` (the default `client_id` claim of minted tokens) and a
 * 40-byte `client_secret`, long enough for libraries that refuse short secrets.
 *
 * @example
 * const basic = Buffer.from(`${DEFAULT_TEST_CLIENT.client_id}:${DEFAULT_TEST_CLIENT.client_secret}`)
 */
export const DEFAULT_TEST_CLIENT: Readonly<{ client_id: string; client_secret: string }> =
  Object.freeze({
    client_id: 'test-client',
    client_secret: 'test-secret-0123456789abcdefghijklmnopqr',
  })
