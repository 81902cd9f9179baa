import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Ends `res` with `body` as `application/json` (a string is sent as is). Successful answers
 * may be cached for 300 seconds, as a real issuer's JWKS usually is; errors are `no-store`.
 */
export function respond(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': status >= 200 && status < 300 ? 'max-age=300' : 'no-store',
    ...headers,
  })
  res.end(req.method === 'HEAD' ? undefined : text)
}
