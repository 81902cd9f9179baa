import { censorCredentials, censorString, type Mask } from './censor.js'
import { PLAIN, SECRET, type KeyClassifier } from './key-kinds.js'
import { scrubPairs } from './scan-pairs.js'
import { scrubUserinfo } from './scan-userinfo.js'

/** Replaces every credential the value patterns find in a string. */
export type Scrub = (text: string) => string

// The shortest text that can hold a credential, e.g. `code=x` or `Basic x`.
const MIN_LENGTH = 6
// Every pattern needs one of these; most strings have none and are returned at once.
const GATE = /[=@]|":|eyJ|bearer|basic|dpop|authorization|cookie|api-key/i
// RFC 6750 §2.1, RFC 9449 §7.1, RFC 7617: the credentials after a scheme, but not the
// auth-params of a challenge (`Bearer realm="api", error="invalid_token"`); and the header
// lines that carry credentials.
const SCHEMES_AND_HEADERS =
  /\b(?:(bearer|dpop|basic)([ \t]+)(?![a-z_]{1,32}=[^=\s,])([\w.~+/-]+=*)|((?:proxy-)?authorization|(?:set-)?cookie)[ \t]*:[ \t]*([^\r\n"\\]+)|((?:x-)?api-key|dpop)[ \t]*:[ \t]*([^\s,;"\\]+))/gi
const SCHEME_GATE = /bearer|basic|dpop|authorization|cookie|api-key/i
// JWS and JWE compact serializations (RFC 7515 §7.1, RFC 7516 §7.1): a JSON header, so
// `eyJ`, then 3 or 5 base64url parts.
const JWT = /eyJ[\w-]*(?:\.[\w-]*){2,4}/g
// A word after `Bearer` that is prose ("the bearer token"), not a credential.
const PROSE_WORD = /^[A-Za-z][a-z]{0,31}$/

/**
 * Compiles the value patterns, run one after the other on what the previous left, each only
 * when the string holds what it needs:
 * - JWS and JWE compact serializations;
 * - `Bearer`, `DPoP` and `Basic` credentials, and `Authorization:`, `Cookie:`,
 *   `Set-Cookie:`, `X-Api-Key:` and `DPoP:` header lines;
 * - `name=value` with a sensitive name: query strings, form bodies, fragments, cookies;
 * - `"name":"value"` with a sensitive name, in JSON text, escaped or not;
 * - the password of a URL (`https://user:password@host`).
 */
export function compileScrubber(classify: KeyClassifier, mask: Mask): Scrub {
  const replaceSchemes = (match: string, ...groups: unknown[]): string => {
    const [scheme, space, credentials, header, headerValue, keyHeader, keyValue] = groups as (
      string | undefined
    )[]
    if (scheme !== undefined && space !== undefined && credentials !== undefined) {
      return PROSE_WORD.test(credentials) ? match : `${scheme}${space}${mask(credentials)}`
    }
    if (header !== undefined) {
      const kind = classify(header)
      return `${header}: ${censorString(kind === PLAIN ? SECRET : kind, headerValue ?? '', mask)}`
    }
    return `${keyHeader ?? ''}: ${censorCredentials(keyValue ?? '', mask)}`
  }
  return (text) => {
    if (text.length < MIN_LENGTH || !GATE.test(text)) return text
    // JWTs go first: they are the longest credentials, and the passes after scan less text.
    let result = text.includes('eyJ') ? text.replace(JWT, (token) => mask(token)) : text
    if (SCHEME_GATE.test(result)) result = result.replace(SCHEMES_AND_HEADERS, replaceSchemes)
    result = scrubPairs(result, classify, mask)
    if (result.includes('@')) result = scrubUserinfo(result, mask)
    return result
  }
}
