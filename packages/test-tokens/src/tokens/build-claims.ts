import { randomUUID } from 'node:crypto'

/** What {@link buildClaims} needs to fill in the default claims. */
export interface ClaimDefaults {
  readonly issuer: string
  readonly audience: string
  /** Clock, in milliseconds. */
  readonly nowMs: number
  readonly expiresInSec: number
  readonly omit: readonly string[]
}

/**
 * The claims of a test access token: the RFC 9068 §2.2 set (`iss`, `aud`, `sub`,
 * `client_id`, `iat`, `exp`, `jti`), minus `omit`, then the caller's claims on top.
 * Caller claims set to `undefined` are left out.
 */
export function buildClaims(
  claims: Readonly<Record<string, unknown>>,
  defaults: ClaimDefaults,
): Record<string, unknown> {
  const iat = Math.floor(defaults.nowMs / 1000)
  const payload: Record<string, unknown> = {
    iss: defaults.issuer,
    aud: defaults.audience,
    sub: 'user-123',
    client_id: 'test-client',
    iat,
    exp: iat + defaults.expiresInSec,
    jti: randomUUID(),
  }
  for (const name of defaults.omit) delete payload[name]
  return mergeDefined(payload, claims)
}

/**
 * Copies the own enumerable entries of `extra` over `base`, dropping `undefined` values.
 * Entries are defined, not assigned, so a `__proto__` key stays a plain claim.
 */
export function mergeDefined(
  base: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) {
      delete result[name]
    } else {
      Object.defineProperty(result, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
  }
  return result
}
