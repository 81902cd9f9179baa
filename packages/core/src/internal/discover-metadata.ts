import { fetchJson, UpstreamError, type FetchLike } from './fetch-json.js'

/** Options of {@link discoverMetadata}. */
export interface DiscoveryOptions {
  /** `fetch` to use. Default: the global `fetch`. */
  fetch?: FetchLike
  /** Timeout of each request, in ms. Default: 5000. */
  timeoutMs?: number
  /** Largest metadata document accepted, in bytes. Default: 131072 (128 KiB). */
  maxResponseBytes?: number
}

/**
 * Fetches an issuer's metadata: OpenID Connect Discovery first
 * (`/.well-known/openid-configuration`), then OAuth 2.0 Authorization Server Metadata
 * (RFC 8414, `/.well-known/oauth-authorization-server`, inserted before the issuer's path).
 * The document's `issuer` must equal the configured issuer exactly (OIDC Discovery §4.3,
 * RFC 8414 §3.3), so metadata of one issuer can never stand in for another.
 *
 * @example
 * const metadata = await discoverMetadata('https://login.example.com')
 * metadata.jwks_uri
 */
export async function discoverMetadata(
  issuer: string,
  options: DiscoveryOptions = {},
): Promise<Readonly<Record<string, unknown>>> {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const request = {
    timeoutMs: options.timeoutMs ?? 5_000,
    maxBytes: options.maxResponseBytes ?? 131_072,
  }
  const failures: UpstreamError[] = []
  for (const url of metadataUrls(issuer)) {
    try {
      const metadata = await fetchJson(fetchImpl, url, request)
      if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
        throw new UpstreamError(`${url} is not a metadata document`, 'invalid')
      }
      if ((metadata as Record<string, unknown>).issuer !== issuer) {
        throw new UpstreamError(`${url} names another issuer than the one configured`, 'invalid')
      }
      return metadata as Record<string, unknown>
    } catch (error) {
      // A document that answered but is wrong is final; only a missing one tries the next path.
      if (!(error instanceof UpstreamError) || error.kind === 'invalid') throw error
      failures.push(error)
    }
  }
  // Say what each path answered: "answered HTTP 404 at https://.../openid-configuration; ...".
  const last = failures.at(-1)
  const cause = last?.cause instanceof Error ? last.cause : undefined
  throw new UpstreamError(
    `no metadata for the issuer: ${failures.map((failure) => failure.message).join('; ')}`,
    last?.kind ?? 'network',
    last?.status,
    cause,
  )
}

/**
 * Reads one endpoint URL from issuer metadata, or throws an {@link UpstreamError} naming
 * the missing member.
 */
export function metadataUrl(metadata: Readonly<Record<string, unknown>>, member: string): string {
  const value = metadata[member]
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new UpstreamError(`the issuer metadata has no valid ${member}`, 'invalid')
  }
  return value
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
