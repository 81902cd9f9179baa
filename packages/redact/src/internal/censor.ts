import { createHmac, randomBytes } from 'node:crypto'
import { AUTHORIZATION, CODE, COOKIE, SET_COOKIE, type KeyKind } from './key-kinds.js'

/** What replaces a secret. */
export const REDACTED = '[REDACTED]'

/** Replaces one secret: `[REDACTED]`, or `[REDACTED:<fingerprint>]`. */
export type Mask = (secret: string) => string

const FINGERPRINT_CHARS = 8
const MAX_REMEMBERED = 4096
// An error code (`ECONNRESET`, `ERR_HTTP_HEADERS_SENT`, `invalid_token`, `auth/invalid-token`)
// under a `code` key stays readable; an authorization code has digits or mixed case.
const ERROR_CODE = /^(?:[A-Z]+(?:_[A-Z0-9]+)*|[a-z]+(?:[_./-][a-z]+)*)$/
// RFC 9110 §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
const CREDENTIALS = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)([ \t]+)(.+)$/s

let processKey: Buffer | undefined

/**
 * A mask that writes `[REDACTED]`, or, with a fingerprint key, the first 8 base64url
 * characters of HMAC-SHA256(key, secret): the same secret gives the same fingerprint, so a
 * token can be followed across log lines, and without the key it cannot be guessed back.
 * `'process'` uses a random key made once per process.
 */
export function createMask(fingerprintKey: Uint8Array | 'process' | undefined): Mask {
  if (fingerprintKey === undefined) return (secret) => (secret === '' ? '' : REDACTED)
  const key = fingerprintKey === 'process' ? (processKey ??= randomBytes(32)) : fingerprintKey
  // Patterns overlap, and a fingerprint must be that of the secret, not of an earlier censor:
  // a fingerprint this mask wrote comes back as it is. Only one it wrote: a value that merely
  // looks like one is a secret like any other.
  const written = new Set<string>()
  return (secret) => {
    if (secret === '' || written.has(secret)) return secret
    const digest = createHmac('sha256', key).update(secret).digest('base64url')
    const censored = `[REDACTED:${digest.slice(0, FINGERPRINT_CHARS)}]`
    if (written.size >= MAX_REMEMBERED) written.clear()
    written.add(censored)
    return censored
  }
}

/** Censors the string value of a sensitive key, keeping what is not secret in it. */
export function censorString(kind: KeyKind, value: string, mask: Mask): string {
  switch (kind) {
    case AUTHORIZATION:
      return censorCredentials(value, mask)
    case COOKIE:
      return value
        .split(';')
        .map((pair) => censorPair(pair, mask))
        .join(';')
    case SET_COOKIE: {
      const end = value.indexOf(';')
      return end === -1
        ? censorPair(value, mask)
        : censorPair(value.slice(0, end), mask) + value.slice(end)
    }
    case CODE:
      return value.length <= 64 && ERROR_CODE.test(value) ? value : mask(value)
    default:
      return mask(value)
  }
}

/**
 * Censors any value under a sensitive key: strings by {@link censorString}, the strings of an
 * array (at most `maxItems`) one by one, numbers (except under `code`), objects whole;
 * `true`, `false`, `null` and `undefined` reveal nothing and stay.
 */
export function censorValue(kind: KeyKind, value: unknown, mask: Mask, maxItems: number): unknown {
  switch (typeof value) {
    case 'string':
      return censorString(kind, value, mask)
    case 'number':
    case 'bigint':
      return kind === CODE ? value : mask(String(value))
    case 'object':
      if (value === null) return null
      if (!Array.isArray(value)) return REDACTED
      return value
        .slice(0, maxItems)
        .map((item: unknown) =>
          typeof item === 'string'
            ? censorString(kind, item, mask)
            : item === null || item === undefined
              ? item
              : REDACTED,
        )
    default:
      return value
  }
}

/** `Bearer abc` → `Bearer [REDACTED]`: the scheme is kept, the credentials are not. */
export function censorCredentials(value: string, mask: Mask): string {
  const match = CREDENTIALS.exec(value)
  return match === null ? mask(value) : `${match[1]}${match[2]}${mask(match[3] ?? '')}`
}

// `name=value` → `name=[REDACTED]`; spaces around the pair are kept.
function censorPair(pair: string, mask: Mask): string {
  const equals = pair.indexOf('=')
  if (equals === -1) return pair.trim() === '' ? pair : mask(pair)
  const value = pair.slice(equals + 1)
  const trimmed = value.trim()
  if (trimmed === '') return pair
  const start = value.indexOf(trimmed)
  return pair.slice(0, equals + 1 + start) + mask(trimmed) + value.slice(start + trimmed.length)
}
