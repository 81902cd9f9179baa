import { TEST_ALGORITHMS } from '../algorithms.js'
import { GRANT_TYPES } from '../grant-type.js'

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt']

/**
 * The authorization server metadata of a test issuer served at `url`, as both OpenID
 * Connect Discovery 1.0 §3 and RFC 8414 §2 describe it, with the device authorization
 * endpoint of RFC 8628 §4 and the `iss` response parameter of RFC 9207 §3. RFC 8414 §2
 * requires the signing algorithms whenever `private_key_jwt` is listed.
 */
export function issuerMetadata(
  url: string,
  algorithms: readonly string[],
): Record<string, unknown> {
  return {
    issuer: url,
    authorization_endpoint: `${url}/authorize`,
    token_endpoint: `${url}/token`,
    device_authorization_endpoint: `${url}/device_authorization`,
    userinfo_endpoint: `${url}/userinfo`,
    jwks_uri: `${url}/jwks.json`,
    introspection_endpoint: `${url}/introspect`,
    revocation_endpoint: `${url}/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...algorithms],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    token_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
    introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    introspection_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
  }
}
