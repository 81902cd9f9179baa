import { randomBytes } from 'node:crypto'
import { createExpiringMap } from './expiring-map.js'

/**
 * Single-use tokens that tie a login/consent form POST to the page the issuer served, so
 * another site cannot submit the form on the user's behalf (RFC 6749 §10.12, CSRF).
 */
export interface ConsentTokens {
  /** A fresh token for a form about `purpose` (e.g. the client id). */
  issue(purpose: string, nowMs: number): string
  /** Whether `token` was issued for `purpose` and not used; uses it up either way. */
  use(token: string | undefined, purpose: string, nowMs: number): boolean
}

/** Most forms open at once. */
export const MAX_CONSENT_TOKENS = 1_000
/** How long a served form can be submitted: 10 minutes. */
export const CONSENT_TTL_MS = 10 * 60_000

/** Creates an empty {@link ConsentTokens}. */
export function createConsentTokens(): ConsentTokens {
  const tokens = createExpiringMap<string>(MAX_CONSENT_TOKENS)
  return {
    issue(purpose, nowMs) {
      const token = randomBytes(24).toString('base64url')
      tokens.set(token, purpose, nowMs + CONSENT_TTL_MS, nowMs)
      return token
    },
    use(token, purpose, nowMs) {
      if (token === undefined) return false
      const stored = tokens.get(token, nowMs)
      tokens.delete(token)
      return stored === purpose
    },
  }
}
