import { createHash, randomBytes } from 'node:crypto'
import type { IntrospectionResponse } from './introspection-response.js'
import type { OpaqueOptions } from './opaque-options.js'
import type { TestKey } from '../keys/test-key.js'
import { buildClaims, mergeDefined } from './build-claims.js'
import { checkKnownOptions } from '../options/check-options.js'
import { createGrantRevocations } from './grant-revocations.js'
import { verifyManually } from './verify-manually.js'

/** The issuer state one `issueOpaque` call reads. */
export interface OpaqueContext {
  readonly issuer: string
  readonly audience: string
  readonly defaultExpiresInSec: number
  /** Clock, in milliseconds. */
  readonly nowMs: number
}

/** Options of {@link TokenStore.revoke}. */
export interface RevokeOptions {
  /**
   * The authenticated client asking: only a token whose `client_id` is this client is
   * revoked (RFC 7009 §2.1); others are left active, as if unknown. Default: any token.
   */
  readonly clientId?: string
}

/**
 * Opaque tokens issued, and revocations of opaque tokens, of the issuer's JWTs, and of whole
 * grants (every token issued under one authorization, RFC 7009 §2.1).
 */
export interface TokenStore {
  /** Issues an opaque token; with `grantId`, revoking that grant makes it inactive. */
  issue(
    claims: Readonly<Record<string, unknown>>,
    options: OpaqueOptions,
    context: OpaqueContext,
    grantId?: string,
  ): string
  /** Remembers the issuer's JWT with `payload` as issued under `grantId`. */
  tagJwt(token: string, payload: Readonly<Record<string, unknown>>, grantId: string): void
  introspect(token: string, nowMs: number): IntrospectionResponse
  /**
   * Revokes an opaque token or a JWT of the issuer (by `jti`, else by the token); a refresh
   * token of a grant takes the whole grant along. Unknown tokens are ignored (RFC 7009 §2.2).
   */
  revoke(token: string, options?: RevokeOptions): void
  /** Revokes this one token, never its grant: a refresh token retired by rotation. */
  retire(token: string): void
  /** Revokes every token issued under `grantId`. */
  revokeGrant(grantId: string): void
  isGrantRevoked(grantId: string): boolean
}

interface OpaqueRecord {
  readonly claims: Record<string, unknown>
  readonly grantId: string | undefined
  revoked: boolean
}

const OPAQUE_OPTIONS = ['expiresInSec', 'tokenType']

/**
 * Most opaque tokens, and most revoked JWT ids, kept at once. When full, expired and
 * revoked opaque tokens go first, then the oldest entries.
 */
export const MAX_STORED_TOKENS = 100_000

/** Creates an empty {@link TokenStore} that recognises JWTs signed by one of `keys()`. */
export function createTokenStore(keys: () => readonly TestKey[]): TokenStore {
  const opaque = new Map<string, OpaqueRecord>()
  const revokedJtis = new Set<string>()
  // JWTs without a jti are revoked by their SHA-256, so the store never holds the token.
  const revokedHashes = new Set<string>()
  const grants = createGrantRevocations()

  const issuedJwt = (token: string): Record<string, unknown> | undefined =>
    token.includes('.') ? verifyManually(token, keys()) : undefined
  const jwtKey = (token: string, payload: Readonly<Record<string, unknown>>): string =>
    typeof payload.jti === 'string' ? payload.jti : sha256(token)
  const jwtRevoked = (token: string, payload: Readonly<Record<string, unknown>>): boolean => {
    const key = jwtKey(token, payload)
    const revoked = typeof payload.jti === 'string' ? revokedJtis : revokedHashes
    return revoked.has(key) || grants.isRevoked(grants.grantOf(key))
  }

  function revokeOne(token: string, clientId: string | undefined, cascade: boolean): void {
    checkToken(token)
    const record = opaque.get(token)
    if (record !== undefined) {
      if (clientId !== undefined && record.claims.client_id !== clientId) return
      record.revoked = true
      const isRefresh = record.claims.token_type === 'refresh_token'
      if (cascade && isRefresh && record.grantId !== undefined) grants.revoke(record.grantId)
      return
    }
    const payload = issuedJwt(token)
    if (payload === undefined) return // RFC 7009 §2.2: an unknown token is not an error
    if (clientId !== undefined && payload.client_id !== clientId) return
    const revoked = typeof payload.jti === 'string' ? revokedJtis : revokedHashes
    if (revoked.size >= MAX_STORED_TOKENS) revoked.delete(revoked.values().next().value ?? '')
    revoked.add(jwtKey(token, payload))
  }

  return {
    issue(claims, options, context, grantId) {
      const { expiresInSec, tokenType } = checkOpaqueArguments(claims, options, context)
      const defaults = buildClaims({}, { ...context, expiresInSec, omit: [] })
      const token = randomBytes(32).toString('base64url')
      makeRoom(Math.floor(context.nowMs / 1000))
      opaque.set(token, {
        claims: mergeDefined({ ...defaults, token_type: tokenType }, claims),
        grantId,
        revoked: false,
      })
      return token
    },
    tagJwt(token, payload, grantId) {
      const exp = typeof payload.exp === 'number' ? payload.exp : Number.POSITIVE_INFINITY
      // Called as the token is minted, so its iat is now: the time expired tags are swept at.
      const iat = typeof payload.iat === 'number' ? payload.iat : 0
      grants.tag(jwtKey(token, payload), grantId, exp, iat)
    },
    introspect(token, nowMs) {
      checkToken(token)
      const record = opaque.get(token)
      if (record !== undefined) {
        const revoked = record.revoked || grants.isRevoked(record.grantId)
        return revoked ? inactive() : answer(record.claims, nowMs)
      }
      const payload = issuedJwt(token)
      if (payload === undefined || jwtRevoked(token, payload)) return inactive()
      return answer(mergeDefined({ token_type: 'Bearer' }, payload), nowMs)
    },
    revoke: (token, { clientId } = {}) => revokeOne(token, clientId, true),
    retire: (token) => revokeOne(token, undefined, false),
    revokeGrant: (grantId) => grants.revoke(grantId),
    isGrantRevoked: (grantId) => grants.isRevoked(grantId),
  }

  function makeRoom(nowSec: number): void {
    if (opaque.size < MAX_STORED_TOKENS) return
    for (const [token, record] of opaque) {
      const { exp } = record.claims
      if (record.revoked || (typeof exp === 'number' && exp <= nowSec)) opaque.delete(token)
    }
    // Still full: drop the oldest (a Map iterates in insertion order).
    for (const token of opaque.keys()) {
      if (opaque.size < MAX_STORED_TOKENS) break
      opaque.delete(token)
    }
  }
}

// RFC 7662 §2.2: an expired or not-yet-valid token is inactive, and says nothing more.
function answer(claims: Readonly<Record<string, unknown>>, nowMs: number): IntrospectionResponse {
  const now = Math.floor(nowMs / 1000)
  const { exp, nbf } = claims
  if (exp !== undefined && !(typeof exp === 'number' && exp > now)) return inactive()
  if (nbf !== undefined && !(typeof nbf === 'number' && nbf <= now)) return inactive()
  return { ...mergeDefined({ active: true }, claims), active: true }
}

function inactive(): IntrospectionResponse {
  return { active: false }
}

function checkOpaqueArguments(
  claims: Readonly<Record<string, unknown>>,
  options: OpaqueOptions,
  context: OpaqueContext,
): { expiresInSec: number; tokenType: string } {
  checkKnownOptions('issueOpaque', options, OPAQUE_OPTIONS)
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new TypeError('@tokenguard/test-tokens: claims must be an object')
  }
  if (Object.hasOwn(claims, 'active')) {
    throw new TypeError(
      '@tokenguard/test-tokens: active is decided by introspection; use revoke() or expiresInSec',
    )
  }
  const expiresInSec = options.expiresInSec ?? context.defaultExpiresInSec
  if (typeof expiresInSec !== 'number' || !Number.isFinite(expiresInSec)) {
    throw new RangeError('@tokenguard/test-tokens: expiresInSec must be a finite number')
  }
  const type = options.tokenType ?? 'access_token'
  if (type !== 'access_token' && type !== 'refresh_token') {
    throw new RangeError(
      `@tokenguard/test-tokens: tokenType must be 'access_token' or 'refresh_token'`,
    )
  }
  return { expiresInSec, tokenType: type === 'access_token' ? 'Bearer' : 'refresh_token' }
}

function checkToken(token: unknown): void {
  if (typeof token !== 'string')
    throw new TypeError('@tokenguard/test-tokens: token must be a string')
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}
