/** How the value of a key is censored. */
export type KeyKind = 0 | 1 | 2 | 3 | 4 | 5

/** Not sensitive: the value is walked and scanned for credentials. */
export const PLAIN: KeyKind = 0
/** The whole value is replaced. */
export const SECRET: KeyKind = 1
/** `Authorization`-like: the scheme is kept, `Bearer [REDACTED]`. */
export const AUTHORIZATION: KeyKind = 2
/** `Cookie`: every cookie name is kept, `a=[REDACTED]; b=[REDACTED]`. */
export const COOKIE: KeyKind = 3
/** `Set-Cookie`: the name and the attributes are kept, `sid=[REDACTED]; Path=/; HttpOnly`. */
export const SET_COOKIE: KeyKind = 4
/** `code`: an authorization code is replaced, an error code is kept. */
export const CODE: KeyKind = 5

const SUFFIXES = ['token', 'secret', 'password', 'passwd']
const SPECIAL: Readonly<Record<string, KeyKind>> = {
  authorization: AUTHORIZATION,
  proxyauthorization: AUTHORIZATION,
  cookie: COOKIE,
  setcookie: SET_COOKIE,
  code: CODE,
}
// Keys repeat from one log line to the next; the answer for each is kept, up to this many.
const MAX_CACHED_KEYS = 4096

/** Tells the {@link KeyKind} of a key, case-insensitively, with `-` and `_` alike or absent. */
export interface KeyClassifier {
  (key: string): KeyKind
  /**
   * Whether a key ending in these two characters (char codes) may be sensitive: a check that
   * costs nothing, made before a key is cut out of a longer text to be classified.
   */
  readonly mayEndKey: (beforeLast: number, last: number) => boolean
}

/** Compiles the sensitive keys once into a classifier with a bounded cache. */
export function compileKeyClassifier(keys: readonly string[]): KeyClassifier {
  const exact = new Map<string, KeyKind>()
  for (const key of keys) {
    const name = normalize(key)
    exact.set(name, SPECIAL[name] ?? SECRET)
  }
  const cache = new Map<string, KeyKind>()
  const classify = (key: string): KeyKind => {
    const cached = cache.get(key)
    if (cached !== undefined) return cached
    const kind = classifyUncached(key, exact)
    if (cache.size < MAX_CACHED_KEYS) cache.set(key, kind)
    return kind
  }
  const endings = new Uint8Array(128 * 128)
  for (const name of [...exact.keys(), ...SUFFIXES, ...SECRET_WORDS, ...ID_WORDS]) {
    endings[name.charCodeAt(name.length - 2) * 128 + name.charCodeAt(name.length - 1)] = 1
  }
  const mayEndKey = (beforeLast: number, last: number): boolean =>
    beforeLast < 128 && last < 128 && endings[lower(beforeLast) * 128 + lower(last)] === 1
  return Object.assign(classify, { mayEndKey })
}

function lower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code | 0x20 : code
}

// Words that make a key sensitive when they end it (`sessionToken`, `db_pwd`, `jwt`), or
// when they come before an `id`/`key`/`value` that ends it (`session_id`, `secretAccessKey`).
const SECRET_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'jwt',
  'session',
  'sid',
  'credential',
  'credentials',
  'assertion',
])
// Words that make a final `key` sensitive: `signingKey`, `privateKey`, `apiKey`.
const KEY_QUALIFIERS = new Set([
  'signing',
  'private',
  'secret',
  'api',
  'access',
  'encryption',
  'master',
  'client',
  'session',
])
const ID_WORDS = new Set(['id', 'key', 'value'])

function classifyUncached(key: string, exact: ReadonlyMap<string, KeyKind>): KeyKind {
  // A key this long is data, not a field name; it is still scanned as a value would be.
  if (key.length > 64) return PLAIN
  const name = normalize(key)
  const kind = exact.get(name)
  if (kind !== undefined) return kind
  if (SUFFIXES.some((suffix) => name.endsWith(suffix))) return SECRET
  return sensitiveByWords(words(key)) ? SECRET : PLAIN
}

/** The words of a key: camelCase, snake_case, kebab-case, dotted, lower-cased. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

function sensitiveByWords(parts: readonly string[]): boolean {
  const last = parts.at(-1)
  if (last === undefined) return false
  if (SECRET_WORDS.has(last)) return true
  if (!ID_WORDS.has(last)) return false
  const before = parts.slice(0, -1)
  return before.some(
    (word) => SECRET_WORDS.has(word) || (last === 'key' && KEY_QUALIFIERS.has(word)),
  )
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_]|%5f|%2d/g, '')
}
