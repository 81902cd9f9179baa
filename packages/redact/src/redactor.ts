import { checkOptionNames } from '@tokenguard/core/internal'
import { createMask } from './internal/censor.js'
import { compileKeyClassifier } from './internal/key-kinds.js'
import { compilePaths } from './internal/paths.js'
import { compileScrubber } from './internal/scrub-string.js'
import { compileWalker } from './internal/walk.js'
import { SENSITIVE_KEYS } from './sensitive-keys.js'

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /**
   * More keys to redact at any depth, on top of {@link SENSITIVE_KEYS}; compared the same
   * way (case-insensitive, `-` and `_` alike). They are also redacted as `key=value` in
   * strings. Default: none.
   */
  keys?: readonly string[]
  /**
   * Paths whose values are redacted whole, written as pino writes them: `user.ssn`,
   * `req.headers["x-session"]`, `cards[*].number`, `*.pin`. Compared exactly
   * (case-sensitive). Default: none.
   */
  paths?: readonly string[]
  /**
   * Write `[REDACTED:a1b2c3d4]` instead of `[REDACTED]`: the first 8 base64url characters of
   * an HMAC-SHA256 of the secret, so the same token can be followed across log lines without
   * being revealed. Default: `false`.
   */
  fingerprint?: boolean
  /**
   * Key of the fingerprint HMAC, at least 16 bytes; needs `fingerprint: true`. Give one to
   * compare fingerprints across processes and restarts, and keep it as secret as the tokens.
   * Default: 32 random bytes made once per process, so fingerprints match within a process only.
   */
  fingerprintKey?: string | Uint8Array
  /** Levels of objects walked; deeper ones are written `[Truncated]`. Default: 8. */
  maxDepth?: number
  /** Entries walked per object, array, Map or Set; the rest are left out. Default: 1000. */
  maxKeys?: number
  /** Values walked in one call; the rest are written `[Truncated]`. Default: 10000. */
  maxNodes?: number
  /**
   * Characters of one string scanned; a longer string is cut (with the word the cut goes
   * through) and ends in `...[Truncated]`. Default: 16384.
   */
  maxStringLength?: number
}

/**
 * A compiled redactor. It never mutates its input and never throws on a value; its functions
 * need no `this`, so they can be passed around on their own.
 */
export interface Redactor {
  /**
   * A redacted copy of `value`: sensitive keys censored at any depth, credentials replaced
   * in every string, cycles written `[Circular]`, what lies beyond the bounds `[Truncated]`,
   * unreadable properties `[Unreadable]`. Parts that need no change are shared, and `value`
   * itself comes back when nothing changed. Errors stay errors (same prototype) with
   * `message`, `stack` and `cause` redacted; Maps and Sets stay Maps and Sets; binary data
   * becomes `[Binary: N bytes]`; other class instances become plain objects.
   */
  readonly redact: (value: unknown) => unknown
  /** `text` with every credential found by the value patterns replaced. */
  readonly redactString: (text: string) => string
}

const PACKAGE = '@tokenguard/redact'
const OPTION_NAMES = [
  'keys',
  'paths',
  'fingerprint',
  'fingerprintKey',
  'maxDepth',
  'maxKeys',
  'maxNodes',
  'maxStringLength',
]
const MIN_FINGERPRINT_KEY_BYTES = 16

/**
 * Compiles a {@link Redactor} once: the key set (with a cache of the keys it has seen) and the
 * value patterns, which only run on strings that hold what they need. It catches the
 * {@link SENSITIVE_KEYS} (and `keys`, and `paths`) at any depth, and inside any string
 * `Bearer`/`DPoP`/`Basic` credentials, JWS and JWE compact tokens, sensitive `key=value`
 * query and form parameters, sensitive `"key":"value"` JSON pairs, `Authorization:`,
 * `Cookie:` and `Set-Cookie:` header lines, and URL passwords. The censor keeps the shape:
 * `Bearer [REDACTED]`, `access_token=[REDACTED]`, `sid=[REDACTED]; Path=/`.
 * Throws a `TypeError` or `RangeError` at start-up for a bad option.
 *
 * @example
 * const redactor = createRedactor({ keys: ['x-session'], fingerprint: true })
 * redactor.redact({ url: '/cb?code=SplxlOBeZQQYbYS6WxSbIA', headers: { authorization: 'Bearer abc' } })
 * // { url: '/cb?code=[REDACTED:Xy1...]', headers: { authorization: 'Bearer [REDACTED:...]' } }
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  checkOptionNames(PACKAGE, options, OPTION_NAMES)
  const keys = [...SENSITIVE_KEYS, ...stringList('keys', options.keys)]
  const paths = compilePaths(PACKAGE, stringList('paths', options.paths))
  const classify = compileKeyClassifier(keys)
  const mask = createMask(fingerprintKeyOf(options))
  const walker = compileWalker({
    classify,
    scrub: compileScrubber(classify, mask),
    mask,
    paths,
    limits: {
      maxDepth: positiveInteger('maxDepth', options.maxDepth, 8),
      maxKeys: positiveInteger('maxKeys', options.maxKeys, 1_000),
      maxNodes: positiveInteger('maxNodes', options.maxNodes, 10_000),
      maxStringLength: positiveInteger('maxStringLength', options.maxStringLength, 16_384),
    },
  })
  return Object.freeze({ redact: walker.value, redactString: walker.string })
}

let defaultRedactor: Redactor | undefined

/**
 * The redactor with default options, made on first use and shared by {@link redact}, the
 * request logger and the pino integration.
 *
 * @internal
 */
export function getDefaultRedactor(): Redactor {
  return (defaultRedactor ??= createRedactor())
}

/**
 * Redacts a value with the default options: {@link Redactor.redact} of a shared
 * `createRedactor()`.
 *
 * @example
 * logger.info(redact({ query: req.query, headers: req.headers }), 'incoming request')
 */
export function redact(value: unknown): unknown {
  return getDefaultRedactor().redact(value)
}

function fingerprintKeyOf(options: RedactorOptions): Uint8Array | 'process' | undefined {
  const { fingerprint = false, fingerprintKey } = options
  if (typeof fingerprint !== 'boolean') {
    throw new TypeError(`${PACKAGE}: fingerprint must be true or false`)
  }
  if (fingerprintKey === undefined) return fingerprint ? 'process' : undefined
  if (!fingerprint) {
    throw new TypeError(`${PACKAGE}: fingerprintKey needs fingerprint: true`)
  }
  const key =
    typeof fingerprintKey === 'string'
      ? Buffer.from(fingerprintKey, 'utf8')
      : fingerprintKey instanceof Uint8Array
        ? Uint8Array.from(fingerprintKey)
        : undefined
  if (key === undefined) {
    throw new TypeError(`${PACKAGE}: fingerprintKey must be a string or a Uint8Array`)
  }
  if (key.byteLength < MIN_FINGERPRINT_KEY_BYTES) {
    throw new RangeError(
      `${PACKAGE}: fingerprintKey must be at least ${MIN_FINGERPRINT_KEY_BYTES} bytes long, ` +
        `e.g. crypto.randomBytes(32)`,
    )
  }
  return key
}

function stringList(name: string, value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`${PACKAGE}: ${name} must be an array of non-empty strings`)
  }
  return [...(value as string[])]
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${PACKAGE}: ${name} must be a positive integer, e.g. ${fallback}`)
  }
  return value
}
