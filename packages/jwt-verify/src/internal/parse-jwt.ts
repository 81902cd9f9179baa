import { isUtf8 } from 'node:buffer'
import type { OAuthError } from '@tokenguard/core'
import type { HeaderCache } from './header-cache.js'
import { refusal } from './refusal.js'

/** A JWS in compact form, split and decoded but not yet verified. */
export interface ParsedJwt {
  readonly header: Readonly<Record<string, unknown>>
  /**
   * The protected header as sent, base64url, when it was decoded here: the verifier's header
   * cache keeps it once the token verifies. `undefined` when the cache already held it.
   */
  readonly headerText: string | undefined
  readonly payload: Record<string, unknown>
  /** `base64url(header) || '.' || base64url(payload)`, the bytes the signature covers. */
  readonly signingInput: Buffer
  readonly signature: Buffer
}

/** Longest protected header accepted, in base64url characters. */
export const MAX_HEADER_CHARS = 2048

// Three segments of the base64url alphabet and nothing else (checked by one regex run,
// which V8 compiles to native code: far cheaper than a loop over the characters).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const BASE64URL_VALUE = new Int8Array(128).fill(-1)
for (const [index, char] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  BASE64URL_VALUE[char.charCodeAt(0)] = index
}

/**
 * Splits a compact JWS and decodes it, rejecting before any cryptography whatever is not a
 * well-formed, canonically encoded JWS with JSON object header and payload: JWEs, empty
 * signatures, padding, characters outside base64url, non-zero trailing bits (RFC 7515 §2,
 * RFC 8725 §3.1), invalid UTF-8 (RFC 7515 §5.2), and oversized headers. `headerCache`
 * holds headers already decoded.
 */
export function parseJwt(token: string, headerCache?: HeaderCache): ParsedJwt {
  if (!COMPACT_JWS.test(token)) {
    throw malformed(token.split('.').length === 5 ? 'Encrypted tokens are not accepted' : undefined)
  }
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  if (
    !hasCanonicalEnd(token, 0, first) ||
    !hasCanonicalEnd(token, first + 1, second) ||
    !hasCanonicalEnd(token, second + 1, token.length)
  ) {
    throw malformed()
  }
  if (first > MAX_HEADER_CHARS) throw malformed('The access token header is too large')
  const known = headerCache?.get(token, first)
  const headerText = known === undefined ? token.slice(0, first) : undefined
  const header = known ?? decodeJsonObject(headerText ?? '')
  const payload = decodeJsonObject(token.slice(first + 1, second))
  return {
    header,
    headerText,
    payload,
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature: Buffer.from(token.slice(second + 1), 'base64url'),
  }
}

/**
 * True when `text[start, end)` is non-empty, unpadded base64url whose last character
 * carries no stray bits: the only encoding that decodes back to itself.
 */
export function isCanonicalBase64url(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index)
    if (code >= 128 || BASE64URL_VALUE[code] === -1) return false
  }
  return hasCanonicalEnd(text, start, end)
}

/** The length and last-character checks of {@link isCanonicalBase64url}, for text whose alphabet is already known good. */
function hasCanonicalEnd(text: string, start: number, end: number): boolean {
  const length = end - start
  if (length === 0 || length % 4 === 1) return false
  const last = BASE64URL_VALUE[text.charCodeAt(end - 1)] ?? -1
  const spareBits = length % 4 === 2 ? 0b1111 : length % 4 === 3 ? 0b11 : 0
  return last !== -1 && (last & spareBits) === 0
}

function decodeJsonObject(segment: string): Record<string, unknown> {
  const bytes = Buffer.from(segment, 'base64url')
  if (!isUtf8(bytes)) throw malformed()
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw malformed()
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed()
  return value as Record<string, unknown>
}

function malformed(description = 'The access token is malformed'): OAuthError {
  return refusal('malformed_token', description)
}
