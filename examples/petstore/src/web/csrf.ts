import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const SESSION_COOKIE = /(?:^|;\s*)tokenguard\.sid=([A-Za-z0-9_-]{43})(?:;|$)/

/**
 * Anti-CSRF tokens bound to the session: an HMAC of the session id under a key of the web
 * app, so nothing more is stored. (The session cookie is `SameSite=Lax` as well.)
 */
export interface CsrfTokens {
  /** The token for the session of `req`, or `undefined` without a session. */
  tokenFor(req: IncomingMessage): string | undefined
  /** Whether `token` is the one of the session of `req`, compared in constant time. */
  verify(req: IncomingMessage, token: unknown): boolean
}

/** CSRF tokens under `key` (at least 32 bytes). */
export function createCsrfTokens(key: Uint8Array): CsrfTokens {
  const tokenFor = (req: IncomingMessage): string | undefined => {
    const id = SESSION_COOKIE.exec(req.headers.cookie ?? '')?.[1]
    return id === undefined ? undefined : createHmac('sha256', key).update(id).digest('base64url')
  }
  return {
    tokenFor,
    verify(req, token) {
      const expected = tokenFor(req)
      if (expected === undefined || typeof token !== 'string') return false
      const given = Buffer.from(token)
      const wanted = Buffer.from(expected)
      return given.length === wanted.length && timingSafeEqual(given, wanted)
    },
  }
}
