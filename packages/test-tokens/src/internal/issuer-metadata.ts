/**
 * The authorization server metadata of a test issuer served at `url`, as both OpenID
 * Connect Discovery 1.0 §3 and RFC 8414 §2 describe it. There is no authorization or
 * token endpoint yet, so only the fields that hold are listed.
 */
export function issuerMetadata(
  url: string,
  algorithms: readonly string[],
): Record<string, unknown> {
  return {
    issuer: url,
    jwks_uri: `${url}/jwks.json`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...algorithms],
  }
}
