import { OAuthError } from '@tokenguard/core'

/** A JWS in compact form, split and decoded but not yet verified. */
export interface ParsedJwt {
  readonly header: Readonly<Record<string, unknown>>
  readonly payload: Record<string, unknown>
  /** `base64url(header) || '.' || base64url(payload)`, the bytes the signature covers. */
  readonly signingInput: Buffer
  readonly signature: Buffer
}

/** Longest protected header accepted, in base64url characters. */
export const MAX_HEADER_CHARS = 2048

// RFC 7515 §5.2: the decoded header and payload MUST be valid UTF-8.
const UTF8 = new TextDecoder('utf-8', { fatal: true })
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
 * RFC 8725 §3.1), and oversized headers.
 */
export function parseJwt(token: string): ParsedJwt {
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw malformed(token.split('.').length === 5 ? 'Encrypted tokens are not accepted' : undefined)
  }
  if (
    !isCanonicalBase64url(token, 0, first) ||
    !isCanonicalBase64url(token, first + 1, second) ||
    !isCanonicalBase64url(token, second + 1, token.length)
  ) {
    throw malformed()
  }
  if (first > MAX_HEADER_CHARS) throw malformed('The access token header is too large')
  const header = decodeJsonObject(token.slice(0, first))
  const payload = decodeJsonObject(token.slice(first + 1, second))
  return {
    header,
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
  const length = end - start
  if (length === 0 || length % 4 === 1) return false
  let last = 0
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index)
    last = code < 128 ? (BASE64URL_VALUE[code] ?? -1) : -1
    if (last === -1) return false
  }
  const spareBits = length % 4 === 2 ? 0b1111 : length % 4 === 3 ? 0b11 : 0
  return (last & spareBits) === 0
}

function decodeJsonObject(segment: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(UTF8.decode(Buffer.from(segment, 'base64url')))
  } catch {
    throw malformed()
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed()
  return value as Record<string, unknown>
}

function malformed(description = 'The access token is malformed'): OAuthError {
  return OAuthError.invalidToken('malformed_token', description)
}
