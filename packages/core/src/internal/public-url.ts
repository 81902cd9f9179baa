const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Why `value` cannot be a URL the resource publishes, or `undefined` when it can: an absolute
 * https URL (http only on a loopback host, for local development) without credentials. An
 * `identifier` (a resource or an issuer, RFC 9728 §1.2, RFC 8414 §2) has no query and no
 * fragment either.
 */
export function publicUrlProblem(value: unknown, identifier: boolean): string | undefined {
  if (typeof value !== 'string') return 'must be a URL string'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'must be an absolute URL'
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) {
    return 'must use https (http is allowed only on localhost)'
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials'
  if (identifier && (value.includes('?') || value.includes('#'))) {
    return 'must not have a query or a fragment'
  }
  return undefined
}
