import type { IncomingMessage, ServerResponse } from 'node:http'

const MAX_COOKIES = 64
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * The cookies of a request by name, first value winning, at most 64 (Node already bounds the
 * header's size); a malformed pair is skipped.
 */
export function readCookies(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>()
  const header = req.headers.cookie
  if (typeof header !== 'string') return cookies
  for (const pair of header.split(';', MAX_COOKIES)) {
    const equals = pair.indexOf('=')
    if (equals < 0) continue
    const name = pair.slice(0, equals).trim()
    const value = pair.slice(equals + 1).trim()
    if (NAME.test(name) && !cookies.has(name)) cookies.set(name, value)
  }
  return cookies
}

/** Attributes of a cookie this package sets: always `HttpOnly`, `Path=/`, `SameSite=Lax`. */
export interface CookieAttributes {
  /** Seconds to live; 0 removes the cookie. */
  readonly maxAgeSec: number
  /** `Secure`: sent over https only (browsers treat localhost as secure too). */
  readonly secure: boolean
}

/** Appends a `Set-Cookie` header, keeping any set before. */
export function setCookie(
  res: ServerResponse,
  name: string,
  value: string,
  attributes: CookieAttributes,
): void {
  const parts = [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(attributes.maxAgeSec))}`,
  ]
  if (attributes.secure) parts.push('Secure')
  const previous = res.getHeader('set-cookie')
  const list = Array.isArray(previous) ? previous : typeof previous === 'string' ? [previous] : []
  res.setHeader('Set-Cookie', [...list, parts.join('; ')])
}
