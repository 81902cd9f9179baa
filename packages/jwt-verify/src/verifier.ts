import { createAuthContext, type AuthContext, type TrustedIssuer } from '@tokenguard/core'
import { nonNegativeNumber, positiveInteger } from '@tokenguard/core/internal'
import { LRUCache } from 'lru-cache'
import { HeaderCache } from './internal/header-cache.js'
import { SecondUseAdmission } from './internal/second-use-admission.js'
import { parseJwt, type ParsedJwt } from './internal/parse-jwt.js'
import { resolveIssuers, type ResolvedIssuer } from './internal/resolve-issuers.js'
import { validateClaims } from './internal/validate-claims.js'
import { verifyAsymmetric, verifyHmac } from './internal/verify-signature.js'
import type { JwksCache } from './jwks-cache.js'
import type { JwtVerifierOptions } from './options.js'
import type { PreparedKey } from './internal/prepared-key.js'
import { refusal } from './internal/refusal.js'

/** Verifies JWT access tokens. Build one per app and share it. */
export interface JwtVerifier {
  /**
   * Verifies `token` and resolves to its {@link AuthContext}; rejects with an
   * {@link OAuthError}: 401 `invalid_token` with a `reason`, or 503 when the issuer's keys
   * cannot be fetched.
   */
  verify(token: string): Promise<AuthContext>
  /**
   * The same check, answered without a promise when no I/O is needed (a cached token, a
   * known key): the {@link AuthContext}, or a promise of it while the JWKS is fetched.
   * Throws (or rejects with) the same {@link OAuthError} as `verify`. `jwtBearer` calls
   * this, so a cached token costs no microtask.
   */
  readonly check: (token: string) => AuthContext | Promise<AuthContext>
  /** Fetches the key sets of every issuer now, so the first request does not wait. */
  hydrate(): Promise<void>
  /** The JWKS cache of each issuer, for events and metrics. */
  readonly jwks: ReadonlyMap<string, JwksCache>
  /** The issuers this verifier trusts, each with the audiences it accepts. */
  readonly trusted: readonly TrustedIssuer[]
}

// What a verified signature leaves behind: everything but the signature is checked again
// on every hit, so validators and time rules see each request.
interface CachedResult {
  /** The whole token: the cache key is only its tail, so a hit must be this very token. */
  readonly token: string
  readonly context: AuthContext
  readonly header: Readonly<Record<string, unknown>>
  readonly rules: ResolvedIssuer
  readonly key: PreparedKey | undefined
}

const PACKAGE = '@tokenguard/jwt-verify'
const EMBEDDED_KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c']
const LENIENT_TYP = new Set(['at+jwt', 'jwt'])
const STRICT_TYP = new Set(['at+jwt'])
// Characters of a token's tail that key the result cache: signature bytes, unlike any other
// token's. Hashing a whole token (~700 characters) for the lookup costs more than the rest of
// a cache hit; a hit is still taken only when the whole token is equal.
const CACHE_KEY_CHARS = 48

function cacheKeyOf(token: string): string {
  return token.length <= CACHE_KEY_CHARS ? token : token.slice(-CACHE_KEY_CHARS)
}

/**
 * Creates a JWT access-token verifier: structure and header checked before any crypto,
 * the signature checked with `node:crypto` on a key prepared once per JWKS refresh,
 * then `iss`, `aud`, `exp`, `nbf`, `iat` and your own rules. A token used again is served
 * from a bounded cache (from its second use on) that never outlives `exp` and forgets tokens
 * whose key left the JWKS.
 *
 * @example
 * const verifier = createJwtVerifier({
 *   issuer: 'https://login.example.com/',
 *   audience: 'https://api.example.com',
 * })
 * const auth = await verifier.verify(token)
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const toleranceSec = nonNegativeNumber(PACKAGE, 'clockToleranceSec', options.clockToleranceSec, 5)
  const issuers = resolveIssuers(options, toleranceSec)
  const now = options.now ?? Date.now
  const maxTokenBytes = positiveInteger(PACKAGE, 'maxTokenBytes', options.maxTokenBytes, 16_384)
  const cacheMaxEntries = nonNegativeNumber(
    PACKAGE,
    'cacheMaxEntries',
    options.cacheMaxEntries,
    10_000,
  )
  const cache =
    cacheMaxEntries === 0
      ? undefined
      : new LRUCache<string, CachedResult>({
          max: cacheMaxEntries,
          maxSize: positiveInteger(
            PACKAGE,
            'cacheMaxBytes',
            options.cacheMaxBytes,
            32 * 1024 * 1024,
          ),
          sizeCalculation: (value) => value.token.length * 2 + 1024,
        })

  const headerCache = new HeaderCache()
  const admission = new SecondUseAdmission()

  function finish(
    parsed: ParsedJwt,
    token: string,
    rules: ResolvedIssuer,
    key: PreparedKey | undefined,
  ) {
    const alg = parsed.header.alg as string
    const valid =
      key === undefined
        ? rules.secret !== undefined &&
          verifyHmac(alg, rules.secret, parsed.signingInput, parsed.signature)
        : verifyAsymmetric(alg, key, parsed.signingInput, parsed.signature)
    if (!valid) throw refusal('bad_signature', 'The access token signature is invalid')
    const nowMs = now()
    const validUntilMs = validateClaims(parsed.payload, parsed.header, rules, nowMs)
    const context = createAuthContext(
      { claims: parsed.payload, issuer: rules.issuer, source: 'jwt' },
      token,
    )
    if (parsed.headerText !== undefined) headerCache.remember(parsed.headerText, parsed.header)
    // A token without exp never gets here, so the TTL is finite; without maxTokenAgeSec it
    // is exp plus the tolerance.
    if (cache !== undefined) {
      const cacheKey = cacheKeyOf(token)
      if (admission.admit(cacheKey)) {
        const entry = { token, context, header: parsed.header, rules, key }
        cache.set(cacheKey, entry, { ttl: validUntilMs - nowMs })
      }
    }
    return context
  }

  function fromCache(cacheKey: string, hit: CachedResult): AuthContext | undefined {
    if (hit.key !== undefined && hit.rules.jwks?.isCurrent(hit.key) !== true) {
      cache?.delete(cacheKey)
      return undefined
    }
    try {
      validateClaims(hit.context.claims, hit.header, hit.rules, now())
    } catch (error) {
      cache?.delete(cacheKey)
      throw error
    }
    return hit.context
  }

  function check(token: string): AuthContext | Promise<AuthContext> {
    if (typeof token !== 'string' || token.length > maxTokenBytes) {
      throw refusal('token_too_large', 'The access token is too large')
    }
    if (cache !== undefined) {
      const cacheKey = cacheKeyOf(token)
      const hit = cache.get(cacheKey)
      if (hit !== undefined && hit.token === token) {
        const context = fromCache(cacheKey, hit)
        if (context !== undefined) return context
      }
    }
    const parsed = parseJwt(token, headerCache)
    const { alg, kid } = checkHeader(parsed.header)
    const iss = parsed.payload.iss
    const rules = typeof iss === 'string' ? issuers.get(iss) : undefined
    if (rules === undefined) {
      throw refusal('wrong_issuer', 'The access token comes from an untrusted issuer')
    }
    if (!rules.algorithms.has(alg)) {
      throw refusal('alg_not_allowed', 'The access token algorithm is not allowed')
    }
    checkTyp(parsed.header.typ, rules.profile === 'rfc9068' ? STRICT_TYP : LENIENT_TYP)
    if (rules.jwks === undefined) return finish(parsed, token, rules, undefined)
    const key = rules.jwks.getKey(kid, alg)
    if (key instanceof Promise) return key.then((ready) => finish(parsed, token, rules, ready))
    return finish(parsed, token, rules, key)
  }

  const jwks = new Map<string, JwksCache>()
  for (const [issuer, rules] of issuers) if (rules.jwks !== undefined) jwks.set(issuer, rules.jwks)
  const verifier: JwtVerifier = {
    verify: async (token) => check(token),
    check,
    hydrate: async () => {
      await Promise.all([...jwks.values()].map((cache) => cache.hydrate()))
    },
    jwks,
    trusted: [...issuers.values()].map((rules) => ({
      issuer: rules.issuer,
      audiences: [...rules.claims.audiences],
    })),
  }
  return verifier
}

function checkHeader(header: Readonly<Record<string, unknown>>): {
  alg: string
  kid: string | undefined
} {
  const { alg, kid } = header
  if (typeof alg !== 'string') throw refusal('malformed_token', 'The access token is malformed')
  if (kid !== undefined && (typeof kid !== 'string' || kid.length > 256)) {
    throw refusal('malformed_token', 'The access token is malformed')
  }
  // RFC 8725 §3.10: keys named or embedded by the token itself are never trusted.
  for (const name of EMBEDDED_KEY_HEADERS) {
    if (Object.hasOwn(header, name)) {
      throw refusal('embedded_key', 'The access token names its own key')
    }
  }
  // RFC 7515 §4.1.11: no extension is understood here, so any "crit" is refused.
  if (Object.hasOwn(header, 'crit')) {
    throw refusal('unsupported_crit', 'The access token uses an unsupported extension')
  }
  if (Object.hasOwn(header, 'enc') || Object.hasOwn(header, 'zip')) {
    throw refusal('malformed_token', 'Encrypted or compressed tokens are not accepted')
  }
  return { alg, kid: kid }
}

function checkTyp(typ: unknown, accepted: ReadonlySet<string>): void {
  // RFC 7515 §4.1.9: typ is case-insensitive and "application/" may be left out.
  const normalized =
    typ === undefined
      ? undefined
      : typeof typ === 'string'
        ? typ.toLowerCase().replace(/^application\//, '')
        : null
  const ok =
    normalized === undefined
      ? accepted !== STRICT_TYP
      : normalized !== null && accepted.has(normalized)
  if (!ok) throw refusal('wrong_typ', 'The token is not an access token')
}
