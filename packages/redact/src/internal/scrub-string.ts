import { censorCredentials, censorString, type Mask } from './censor.js'
import { PLAIN, SECRET, type KeyClassifier } from './key-kinds.js'
import { scrubColonPairs } from './scan-colons.js'
import { scrubJwts } from './scan-jwt.js'
import { scrubPairs } from './scan-pairs.js'
import { scrubUserinfo } from './scan-userinfo.js'

/** Replaces every credential the value patterns find in a string. */
export type Scrub = (text: string) => string

// The shortest text that can hold a credential, e.g. `code=x` or `Basic x`.
const MIN_LENGTH = 6
// Every pattern needs one of these; most strings have none and are returned at once.
const GATE = /[=@:]|eyJ|bearer|basic|dpop|authorization|cookie|api-key|%(?:25)*3d/i
// RFC 6750 §2.1, RFC 9449 §7.1, RFC 7617: the credentials after a scheme, but not the
// auth-params of a challenge (`Bearer realm="api", error="invalid_token"`); and the header
// lines that carry credentials.
const SCHEMES_AND_HEADERS =
  /\b(?:(bearer|dpop|basic)([ \t]+)(?![a-z_]{1,32}=[^=\s,]|(?:bearer|dpop|basic)[ \t])([\w.~+/-]+=*)|((?:proxy-)?authorization|(?:set-)?cookie)[ \t]*:[ \t]*([^\r\n"\\]+)|((?:x-)?api-key|dpop)[ \t]*:[ \t]*([^\s,;"\\]+))/gi
const SCHEME_GATE = /bearer|basic|dpop|authorization|cookie|api-key/i

// An encoded `=` (`%3D`, or `%253D` encoded twice): a query string inside a parameter.
const ENCODED = /%(?:25)*3d/i
const MAX_DECODE_LEVELS = 3
const MAX_ENCODED_LENGTH = 64 * 1024

/**
 * A parameter that holds another query string (`return_to=%2Fcb%3Faccess_token%3DT`): decoded
 * up to 3 levels, and when a level holds a credential, that level is what is kept, redacted.
 */
function scrubEncoded(text: string, passes: (text: string) => string): string {
  let current = text
  for (let level = 0; level < MAX_DECODE_LEVELS; level++) {
    const decoded = percentDecode(current)
    if (decoded === current) return text
    const scrubbed = passes(decoded)
    if (scrubbed !== decoded) return scrubbed
    current = decoded
  }
  return text
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    )
  }
}

/**
 * Compiles the value patterns, run one after the other on what the previous left, each only
 * when the string holds what it needs:
 * - JWS and JWE compact serializations;
 * - `Bearer`, `DPoP` and `Basic` credentials, and `Authorization:`, `Cookie:`,
 *   `Set-Cookie:`, `X-Api-Key:` and `DPoP:` header lines;
 * - `name=value` with a sensitive name: query strings, form bodies, fragments, cookies;
 * - `"name":"value"` with a sensitive name, in JSON text, escaped or not;
 * - `name: value` with a sensitive name: YAML, prose, pretty JSON, Python and JS literals;
 * - the password of a URL (`https://user:password@host`);
 * - all of these inside a percent-encoded parameter, up to 3 levels deep.
 */
export function compileScrubber(classify: KeyClassifier, mask: Mask): Scrub {
  const replaceSchemes = (_match: string, ...groups: unknown[]): string => {
    const [scheme, space, credentials, header, headerValue, keyHeader, keyValue] = groups as (
      string | undefined
    )[]
    if (scheme !== undefined && space !== undefined && credentials !== undefined) {
      return `${scheme}${space}${mask(credentials)}`
    }
    if (header !== undefined) {
      const kind = classify(header)
      return `${header}: ${censorString(kind === PLAIN ? SECRET : kind, headerValue ?? '', mask)}`
    }
    return `${keyHeader ?? ''}: ${censorCredentials(keyValue ?? '', mask)}`
  }
  const passes = (text: string): string => {
    // JWTs go first: they are the longest credentials, and the passes after scan less text.
    let result = scrubJwts(text, mask)
    // Pairs before schemes: in `Bearer access_token: T` the pair's value is the secret.
    result = scrubPairs(result, classify, mask)
    if (result.includes(':')) result = scrubColonPairs(result, classify, mask)
    if (SCHEME_GATE.test(result)) result = result.replace(SCHEMES_AND_HEADERS, replaceSchemes)
    if (result.includes('@')) result = scrubUserinfo(result, mask)
    return result
  }
  return (text) => {
    if (text.length < MIN_LENGTH || !GATE.test(text)) return text
    const result = passes(text)
    // Decoding copies the text up to 3 times: only texts the size of a URL are decoded.
    return result.length <= MAX_ENCODED_LENGTH && ENCODED.test(result)
      ? scrubEncoded(result, passes)
      : result
  }
}
