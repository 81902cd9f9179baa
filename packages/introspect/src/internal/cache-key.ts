import { sha256Base64url } from '@tokenguard/core/internal'
import type { ClientAuthentication } from '../options.js'

/**
 * The store key of a token's introspection result: the SHA-256 (base64url) of the issuer,
 * the endpoint (the configured one, or "discovered from this issuer"), the client that asks,
 * and the token. Two introspectors sharing a store, even in one namespace, never read each
 * other's results: a response without `iss` is only ever taken for the issuer whose endpoint
 * gave it. The token (and a bearer credential of the client) is only ever hashed.
 *
 * @example
 * const keyOf = createCacheKey(issuer, undefined, clientAuth)
 * await store.get(keyOf(token))
 */
export function createCacheKey(
  issuer: string,
  endpoint: string | undefined,
  clientAuth: ClientAuthentication,
): (token: string) => string {
  const client =
    clientAuth.method === 'bearer'
      ? `bearer ${sha256Base64url(clientAuth.token)}`
      : `${clientAuth.method} ${clientAuth.clientId}`
  const scope = `${JSON.stringify([issuer, endpoint ?? null, client])}\n`
  return (token) => sha256Base64url(scope + token)
}
