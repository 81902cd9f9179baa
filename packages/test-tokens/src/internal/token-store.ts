import { createHash, randomBytes } from 'node:crypto'
import type { IntrospectionResponse } from '../introspection-response.js'
import type { OpaqueOptions } from '../opaque-options.js'
import type { TestKey } from '../test-key.js'
import { buildClaims, mergeDefined } from './build-claims.js'
import { checkKnownOptions } from './check-options.js'
import { verifyManually } from './verify-manually.js'

/** The issuer state one `issueOpaque` call reads. */
export interface OpaqueContext {
  readonly issuer: string
  readonly audience: string
  readonly defaultExpiresInSec: number
  /** Clock, in milliseconds. */
  readonly nowMs: number
}

/** Opaque tokens issued, and revocations of opaque tokens and of the issuer's JWTs. */
export interface TokenStore {
  issue(
    claims: Readonly<Record<string, unknown>>,
    options: OpaqueOptions,
    context: OpaqueContext,
  ): string
  introspect(token: string, nowMs: number): IntrospectionResponse
  revoke(token: string): void
}

const OPAQUE_OPTIONS = ['expiresInSec', 'tokenType']

/**
 * Most opaque tokens, and most revoked JWT ids, kept at once. When full, expired and
 * revoked opaque tokens go first, then the oldest entries.
 */
export const MAX_STORED_TOKENS = 100_000

/** Creates an empty {@link TokenStore} that recognises JWTs signed by one of `keys()`. */
export function createTokenStore(keys: () => readonly TestKey[]): TokenStore {
  const opaque = new Map<string, { claims: Record<string, unknown>; revoked: boolean }>()
  const revokedJtis = new Set<string>()
  // JWTs without a jti are revoked by their SHA-256, so the store never holds the token.
  const revokedHashes = new Set<string>()

  const issuedJwt = (token: string): Record<string, unknown> | undefined =>
    token.includes('.') ? verifyManually(token, keys()) : undefined

  return {
    issue(claims, options, context) {
      const { expiresInSec, tokenType } = checkOpaqueArguments(claims, options, context)
      const defaults = buildClaims({}, { ...context, expiresInSec, omit: [] })
      const token = randomBytes(32).toString('base64url')
      makeRoom(Math.floor(context.nowMs / 1000))
      opaque.set(token, {
        claims: mergeDefined({ ...defaults, token_type: tokenType }, claims),
        revoked: false,
      })
      return token
    },
    introspect(token, nowMs) {
      checkToken(token)
      const record = opaque.get(token)
      if (record !== undefined) return record.revoked ? inactive() : answer(record.claims, nowMs)
      const payload = issuedJwt(token)
      if (payload === undefined) return inactive()
      const revoked =
        typeof payload.jti === 'string'
          ? revokedJtis.has(payload.jti)
          : revokedHashes.has(sha256(token))
      return revoked ? inactive() : answer(mergeDefined({ token_type: 'Bearer' }, payload), nowMs)
    },
    revoke(token) {
      checkToken(token)
      const record = opaque.get(token)
      if (record !== undefined) {
        record.revoked = true
        return
      }
      const payload = issuedJwt(token)
      if (payload === undefined) return // RFC 7009 §2.2: an unknown token is not an error
      const revoked = typeof payload.jti === 'string' ? revokedJtis : revokedHashes
      if (revoked.size >= MAX_STORED_TOKENS) revoked.delete(revoked.values().next().value ?? '')
      revoked.add(typeof payload.jti === 'string' ? payload.jti : sha256(token))
    },
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
