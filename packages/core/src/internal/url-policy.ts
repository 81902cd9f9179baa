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
