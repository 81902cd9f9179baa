import type { ServerResponse } from 'node:http'

/**
 * `redirectUri` with `params` added to its query (RFC 6749 §4.1.2): an existing query is
 * kept byte for byte (§3.1.2), and `undefined` values are left out. Values go through
 * `URLSearchParams`, so the client reads back exactly what was sent, `state` included.
 */
export function redirectUrl(
  redirectUri: string,
  params: Readonly<Record<string, string | undefined>>,
): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) query.append(name, value)
  const separator = !redirectUri.includes('?') ? '?' : /[?&]$/.test(redirectUri) ? '' : '&'
  return redirectUri + separator + query.toString()
}

/** Ends `res` with a redirect to `location`: 302 after a GET, 303 after a form POST. */
export function sendRedirect(
  res: ServerResponse,
  method: string | undefined,
  location: string,
): void {
  res.writeHead(method === 'POST' ? 303 : 302, {
    Location: location,
    'Cache-Control': 'no-store',
    'Content-Length': 0,
    'Referrer-Policy': 'no-referrer',
  })
  res.end()
}
