import { TEST_ALGORITHMS } from '../algorithms.js'

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']

/**
 * The authorization server metadata of a test issuer served at `url`, as both OpenID
 * Connect Discovery 1.0 §3 and RFC 8414 §2 describe it. There is no authorization or
 * token endpoint yet, so only the fields that hold are listed. RFC 8414 §2 requires the
 * signing algorithms whenever `private_key_jwt` is listed.
 */
export function issuerMetadata(
  url: string,
  algorithms: readonly string[],
): Record<string, unknown> {
  return {
    issuer: url,
    jwks_uri: `${url}/jwks.json`,
    introspection_endpoint: `${url}/introspect`,
    revocation_endpoint: `${url}/revoke`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...algorithms],
    introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    introspection_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
  }
}
