import { fetchJson, UpstreamError, type FetchLike } from './internal/fetch-json.js'

/** Options of {@link discoverJwksUri}. */
export interface DiscoveryOptions {
  /** `fetch` to use. Default: the global `fetch`. */
  fetch?: FetchLike
  /** Timeout of each request, in ms. Default: 5000. */
  timeoutMs?: number
  /** Largest metadata document accepted, in bytes. Default: 131072 (128 KiB). */
  maxResponseBytes?: number
}

/**
 * Finds an issuer's `jwks_uri` from its metadata: OpenID Connect Discovery first
 * (`/.well-known/openid-configuration`), then OAuth 2.0 Authorization Server Metadata
 * (RFC 8414, `/.well-known/oauth-authorization-server`, inserted before the issuer's path).
 * The document's `issuer` must equal the configured issuer exactly (OIDC Discovery §4.3,
 * RFC 8414 §3.3), so metadata of one issuer can never stand in for another.
 *
 * @example
 * const jwksUri = await discoverJwksUri('https://login.example.com')
 */
export async function discoverJwksUri(
  issuer: string,
  options: DiscoveryOptions = {},
): Promise<string> {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 5_000
  const maxBytes = options.maxResponseBytes ?? 131_072
  let lastError: unknown
  for (const url of metadataUrls(issuer)) {
    try {
      const metadata = await fetchJson(fetchImpl, url, timeoutMs, maxBytes)
      return readJwksUri(metadata, issuer, url)
    } catch (error) {
      lastError = error
      // A document that answered but is wrong is final; only a missing one tries the next path.
      if (error instanceof UpstreamError && error.kind === 'invalid') throw error
    }
  }
  throw lastError instanceof Error ? lastError : new UpstreamError('discovery failed', 'network')
}

/** The metadata URLs tried for an issuer, in order. */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ]
}

function readJwksUri(metadata: unknown, issuer: string, url: string): string {
  if (metadata === null || typeof metadata !== 'object') {
    throw new UpstreamError(`${url} is not a metadata document`, 'invalid')
  }
  const record = metadata as Record<string, unknown>
  if (record.issuer !== issuer) {
    throw new UpstreamError(`${url} names another issuer than the one configured`, 'invalid')
  }
  const jwksUri = record.jwks_uri
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw new UpstreamError(`${url} has no valid jwks_uri`, 'invalid')
  }
  return jwksUri
}
