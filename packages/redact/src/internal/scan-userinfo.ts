import type { Mask } from './censor.js'

/**
 * Censors the password of every URL in the text (RFC 3986 §3.2.1):
 * `postgres://app:s3cret@db` → `postgres://app:[REDACTED]@db`. Hops from one `://` to the next,
 * so a text full of `file:///` stack frames costs a few native searches.
 */
export function scrubUserinfo(text: string, mask: Mask): string {
  let result: string | undefined
  let copied = 0
  for (
    let slashes = text.indexOf('://');
    slashes !== -1;
    slashes = text.indexOf('://', slashes + 3)
  ) {
    const userStart = slashes + 3
    let colon = userStart
    while (colon < text.length && isUserChar(text.charCodeAt(colon))) colon++
    if (colon === userStart || text.charCodeAt(colon) !== 0x3a) continue
    let at = colon + 1
    while (at < text.length && isUserChar(text.charCodeAt(at))) at++
    if (at === colon + 1 || text.charCodeAt(at) !== 0x40) continue
    result = (result ?? '') + text.slice(copied, colon + 1) + mask(text.slice(colon + 1, at))
    copied = at
    slashes = at
  }
  return result === undefined ? text : result + text.slice(copied)
}

// Anything but whitespace, `/`, `?`, `#`, `@`, `:`, a quote or a backslash.
function isUserChar(code: number): boolean {
  return (
    code > 0x20 &&
    code !== 0x2f &&
    code !== 0x3f &&
    code !== 0x23 &&
    code !== 0x40 &&
    code !== 0x3a &&
    code !== 0x22 &&
    code !== 0x5c
  )
}
