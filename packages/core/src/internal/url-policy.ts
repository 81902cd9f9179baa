const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Why `url` may not be used to reach an issuer, or `undefined` when it may: it must be
 * https, or http on a loopback host (local development), or http anywhere when the app
 * opted in explicitly.
 */
export function insecureUrlProblem(url: string, allowInsecureHttp: boolean): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'is not a valid URL'
  }
  if (parsed.protocol === 'https:') return undefined
  if (parsed.protocol !== 'http:') return 'must use https'
  if (allowInsecureHttp || LOOPBACK_HOSTS.has(parsed.hostname)) return undefined
  return 'must use https (http is allowed only for localhost, or with allowInsecureHttp: true)'
}

/**
 * Why a URL read from the issuer's metadata (`jwks_uri`, `introspection_endpoint`) may not
 * be used, or `undefined` when it may. The loopback exemption belongs to what the operator
 * configured, not to what a document says: the URL must be https unless the configured
 * `issuer` itself is a loopback http URL (local development), or `allowInsecureHttp` is on.
 * An https issuer naming `http://127.0.0.1:PORT/internal/...` is refused.
 */
export function discoveredUrlProblem(
  url: string,
  issuer: string,
  allowInsecureHttp: boolean,
): string | undefined {
  if (allowInsecureHttp || isLoopbackHttp(issuer)) return insecureUrlProblem(url, allowInsecureHttp)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'is not a valid URL'
  }
  if (parsed.protocol === 'https:') return undefined
  return 'must use https (http only when the configured issuer is itself an http URL on localhost)'
}

function isLoopbackHttp(url: string): boolean {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)
  } catch {
    return false
  }
}

/**
 * Why `issuer` cannot be an issuer identifier, or `undefined` when it can: OpenID Connect
 * Discovery §2 and RFC 8414 §2 forbid a query and a fragment, so an issuer with `?` or `#`
 * is a configuration mistake (a copied authorize URL, a tenant parameter) that no token's
 * `iss` should match.
 */
export function issuerProblem(issuer: string): string | undefined {
  if (!/[?#]/.test(issuer)) return undefined
  return (
    'must not have a query or a fragment (OpenID Connect Discovery §2, RFC 8414 §2): ' +
    'give the exact "iss" of your tokens, such as https://login.example.com/tenant-a'
  )
}
