import type { TestClient } from '@tokenguard/test-tokens'
import type { GrantType, TokenFormat } from '../grants/grant-type.js'

/**
 * A client of the mock authorization server: a {@link TestClient} of the issuer (its
 * credentials, which `/introspect` and `/revoke` accept too) with the fields that say how it
 * may get tokens. Give at least one credential, or `token_endpoint_auth_method: 'none'` for
 * a public client. Fields keep their RFC 7591 §2 spelling.
 */
export interface AuthorizationServerClient extends TestClient {
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
