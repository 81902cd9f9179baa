import type { IncomingMessage, ServerResponse } from 'node:http'

/** A `302` to `location`, never cached. */
export function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 302
  res.setHeader('Location', location)
  res.setHeader('Cache-Control', 'no-store')
  res.end()
}

/** The query of a request (Connect has no `req.query`), at most 8 KiB of it. */
export function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? ''
  const question = url.indexOf('?')
  return new URLSearchParams(question < 0 ? '' : url.slice(question + 1, question + 1 + 8192))
}
