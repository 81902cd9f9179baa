import { serve, type LocalServer } from '@tokenguard/test-support/serve'

/** A local HTTP server that answers every request with 404 and counts them. */
export interface Canary extends LocalServer {
  /** Requests received so far. */
  hits(): number
}

/**
 * Starts a canary on 127.0.0.1: tokens name its URL in `jku` or `x5u`, and a resource server
 * that never follows a URL from a token leaves its count at zero (RFC 8725 §3.10).
 *
 * @example
 * const canary = await startCanary()
 * const { token } = await issuer.hostile.jku({}, { url: `${canary.url}/jwks.json` })
 */
export async function startCanary(): Promise<Canary> {
  let hits = 0
  const server = await serve((_req, res) => {
    hits++
    res.statusCode = 404
    res.end()
  })
  return { ...server, hits: () => hits }
}
