import type { Mask } from './censor.js'

/** Whether `code` is a base64url character: `A-Z a-z 0-9 - _`. */
function isBase64url(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x5f
  )
}

const DOT = 0x2e

/**
 * Masks every JWS and JWE compact serialization (RFC 7515 §7.1, RFC 7516 §7.1) in `text`: a
 * JSON header, so `eyJ`, then base64url, then 2 to 4 more `.`-separated base64url parts.
 *
 * Linear in the text, where the regular expression `eyJ[\w-]*(?:\.[\w-]*){2,4}` is not (on
 * `eyJeyJeyJ…` each `eyJ` reran the whole rest): the scan reads each character once, since
 * an `eyJ` inside a run that failed has the same parts after it, and fails the same way.
 * Answers `text` itself when nothing was found.
 */
export function scrubJwts(text: string, mask: Mask): string {
  let start = text.indexOf('eyJ')
  if (start === -1) return text
  let result = ''
  let copied = 0
  while (start !== -1) {
    let end = start + 3
    while (end < text.length && isBase64url(text.charCodeAt(end))) end++
    let parts = 0
    while (parts < 4 && text.charCodeAt(end) === DOT) {
      end++
      while (end < text.length && isBase64url(text.charCodeAt(end))) end++
      parts++
    }
    if (parts >= 2) {
      result += text.slice(copied, start) + mask(text.slice(start, end))
      copied = end
    }
    start = text.indexOf('eyJ', end)
  }
  return copied === 0 ? text : result + text.slice(copied)
}
