import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GrantServer } from '../grants/grant-server.js'
import { respond } from '@tokenguard/test-tokens/internal'

const REALM = 'realm="test-issuer"'
// RFC 6750 §2.1: the b64token syntax.
const BEARER = /^\s*bearer +([\w\-.~+/]+=*)\s*$/i

/**
 * Answers `/userinfo` (OpenID Connect Core §5.3): an active access token of the issuer, JWT
 * or opaque, in `Authorization: Bearer`, gets `{ sub, ...claims of that user }`. Errors
 * follow RFC 6750 §3: no error code when no token was sent, `invalid_token` otherwise.
 */
export function answerUserinfo(
  req: IncomingMessage,
  res: ServerResponse,
  server: GrantServer,
): void {
  const token = BEARER.exec(req.headers.authorization ?? '')?.[1]
  if (token === undefined) {
    res.writeHead(401, {
      'WWW-Authenticate': `Bearer ${REALM}`,
      'Cache-Control': 'no-store',
      'Content-Length': 0,
    })
    return void res.end()
  }
  const claims = server.userinfo(token)
  if (claims === undefined) {
    const description = 'The access token is not active'
    return respond(
      req,
      res,
      401,
      { error: 'invalid_token', error_description: description },
      {
        'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token", error_description="${description}"`,
      },
    )
  }
  respond(req, res, 200, claims, { 'Cache-Control': 'no-store' })
}
