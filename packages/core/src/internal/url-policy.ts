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
 * Why a URL named by the issuer's discovery document (`jwks_uri`, `introspection_endpoint`)
 * may not be used, or `undefined` when it may. The loopback exemption belongs to what the
 * operator configured, not to what a document says: with an https issuer, a discovered URL
 * must be https too (a document naming `http://127.0.0.1:…/internal` is refused); plain http
 * is allowed only when the configured issuer itself is a loopback http URL, or with
 * `allowInsecureHttp: true`.
 */
export function discoveredUrlProblem(
  url: string,
  issuer: string,
  allowInsecureHttp: boolean,
): string | undefined {
  const problem = insecureUrlProblem(url, allowInsecureHttp)
  if (problem !== undefined || allowInsecureHttp) return problem
  if (new URL(url).protocol === 'https:') return undefined
  const configured = URL.canParse(issuer) ? new URL(issuer) : undefined
  if (configured?.protocol === 'http:' && LOOPBACK_HOSTS.has(configured.hostname)) return undefined
  return 'must use https, as the issuer does (http is allowed only when the configured issuer is itself http on localhost)'
}
