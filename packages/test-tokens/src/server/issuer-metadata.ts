import { TEST_ALGORITHMS } from '../keys/algorithms.js'

/** The client authentication methods of the introspection and revocation endpoints. */
export const CLIENT_AUTH_METHODS: readonly string[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
]

/**
 * The metadata of a test issuer served at `url`, as OpenID Connect Discovery 1.0 §3 and
 * RFC 8414 §2 name the members: where its keys are, and its introspection (RFC 7662 §4) and
 * revocation (RFC 8414 §2) endpoints with their client authentication. RFC 8414 §2 requires
 * the signing algorithms whenever `private_key_jwt` is listed. The mock authorization server
 * adds its own endpoints when it serves the issuer.
 */
export function issuerMetadata(url: string): Record<string, unknown> {
  return {
    issuer: url,
    jwks_uri: `${url}/jwks.json`,
    introspection_endpoint: `${url}/introspect`,
    revocation_endpoint: `${url}/revoke`,
    introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    introspection_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
  }
}
