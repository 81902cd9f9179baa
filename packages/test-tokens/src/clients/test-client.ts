import type { JWK } from 'jose'

/**
 * A client registered with the test issuer, which may call its introspection (RFC 7662) and
 * revocation (RFC 7009) endpoints. Give at least one credential; each enables the matching
 * client authentication method. Fields keep their RFC 7591 §2 spelling. The mock
 * authorization server adds the fields its grants need (`redirect_uris`, `grant_types`, ...).
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
