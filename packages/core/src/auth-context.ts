import { deepFreeze } from './internal/deep-freeze.js'

/**
 * Claims of an access token, as the JWT payload or the introspection response carries
 * them. Registered claims are typed; any other claim is `unknown` until the app checks it.
 */
export interface AccessTokenClaims {
  readonly iss?: string
  readonly sub?: string
  readonly aud?: string | readonly string[]
  readonly exp?: number
  readonly nbf?: number
  readonly iat?: number
  readonly jti?: string
  readonly client_id?: string
  readonly scope?: string
  readonly [claim: string]: unknown
}

/**
 * What tokenguard knows about the caller once a token is accepted, set on `req.auth`.
 * Immutable. The raw token is reachable as `token` but not enumerable, so a logger that
 * serialises `req.auth` never prints it.
 */
export interface AuthContext {
  /** Auth scheme the token came with. */
  readonly scheme: 'bearer' | 'dpop'
  /** Every claim of the token (JWT payload or introspection response). */
  readonly claims: AccessTokenClaims
  /** Scopes granted, from `scope` (space-delimited) or `scp` (array). */
  readonly scopes: readonly string[]
  /** The `sub` claim, when present. */
  readonly subject?: string
  /** The `client_id` claim (RFC 9068), or `azp` when that is all there is. */
  readonly clientId?: string
  /** The issuer that vouched for the token. */
  readonly issuer: string
  /** The token's audiences. */
  readonly audience: readonly string[]
  /** Expiry, in seconds since the epoch (the `exp` claim). */
  readonly expiresAt?: number
  /** Which verifier accepted the token. */
  readonly source: 'jwt' | 'introspection'
  /** The raw access token. Not enumerable: never serialised, never logged. */
  readonly token: string
}

/** Input of {@link createAuthContext}: everything but the derived and hidden fields. */
export interface AuthContextInit {
  scheme?: 'bearer' | 'dpop'
  claims: Record<string, unknown>
  issuer: string
  source: 'jwt' | 'introspection'
}

/**
 * Builds a frozen {@link AuthContext} from verified claims, deriving scopes, subject,
 * client id, audience and expiry, and attaching the token as a hidden property. The
 * claims object is frozen deeply in place, not copied.
 *
 * @example
 * const auth = createAuthContext({ claims, issuer: claims.iss, source: 'jwt' }, token)
 */
export function createAuthContext(init: AuthContextInit, token: string): AuthContext {
  return new FrozenAuthContext(init, token)
}

/**
 * The one implementation of {@link AuthContext}: a class, so every context has the same
 * shape (fast property reads) and the token lives in a private field behind a getter on
 * the prototype, where neither `JSON.stringify`, `Object.keys` nor `util.inspect` look.
 */
class FrozenAuthContext implements AuthContext {
  readonly scheme: 'bearer' | 'dpop'
  readonly claims: AccessTokenClaims
  readonly scopes: readonly string[]
  declare readonly subject?: string
  declare readonly clientId?: string
  readonly issuer: string
  readonly audience: readonly string[]
  declare readonly expiresAt?: number
  readonly source: 'jwt' | 'introspection'
  readonly #token: string

  constructor(init: AuthContextInit, token: string) {
    const claims = deepFreeze(init.claims) as AccessTokenClaims
    this.scheme = init.scheme ?? 'bearer'
    this.claims = claims
    this.scopes = parseScopes(claims)
    this.issuer = init.issuer
    this.audience = Object.freeze(parseAudience(claims))
    this.source = init.source
    const subject = ownString(claims, 'sub')
    if (subject !== undefined) this.subject = subject
    const clientId = ownString(claims, 'client_id') ?? ownString(claims, 'azp')
    if (clientId !== undefined) this.clientId = clientId
    const exp = ownValue(claims, 'exp')
    if (typeof exp === 'number') this.expiresAt = exp
    this.#token = token
    Object.freeze(this)
  }

  /** The raw access token. */
  get token(): string {
    return this.#token
  }
}

/**
 * Reads the granted scopes from `scope` (a space-delimited string, RFC 6749 §3.3 and
 * RFC 9068 §2.2.3) or `scp` (an array or string, as some issuers send it). Duplicates
 * and empty entries are dropped; anything that is not a string is ignored.
 */
export function parseScopes(claims: Readonly<Record<string, unknown>>): readonly string[] {
  const scopes: string[] = []
  addScopes(scopes, ownValue(claims, 'scope'))
  addScopes(scopes, ownValue(claims, 'scp'))
  return Object.freeze(scopes)
}

// A handful of scopes is deduplicated by a scan; past this many, through a Set, so a token
// with thousands of scopes still costs linear time.
const SCAN_DEDUPLICATION_LIMIT = 16

function addScopes(scopes: string[], source: unknown): void {
  const values = typeof source === 'string' ? source.split(' ') : source
  if (!Array.isArray(values)) return
  let seen: Set<string> | undefined
  for (const value of values) {
    if (typeof value !== 'string' || value.length === 0) continue
    if (seen === undefined && scopes.length >= SCAN_DEDUPLICATION_LIMIT) seen = new Set(scopes)
    if (seen === undefined ? scopes.includes(value) : seen.has(value)) continue
    scopes.push(value)
    seen?.add(value)
  }
}

function parseAudience(claims: Readonly<Record<string, unknown>>): string[] {
  const aud = ownValue(claims, 'aud')
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud)) return aud.filter((value): value is string => typeof value === 'string')
  return []
}

function ownValue(object: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined
}

function ownString(object: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = ownValue(object, key)
  return typeof value === 'string' ? value : undefined
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by a tokenguard bearer middleware once the access token is accepted. */
      auth?: AuthContext
    }
  }
}
