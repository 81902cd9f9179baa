import { discoverMetadata, metadataUrl, type DiscoveryOptions } from '@tokenguard/core/internal'

/**
 * Finds an issuer's `jwks_uri` from its metadata (OpenID Connect Discovery, then RFC 8414),
 * checking that the metadata names exactly this issuer.
 *
 * @example
 * const jwksUri = await discoverJwksUri('https://login.example.com')
 */
export async function discoverJwksUri(
  issuer: string,
  options: DiscoveryOptions = {},
): Promise<string> {
  return metadataUrl(await discoverMetadata(issuer, options), 'jwks_uri')
}
