import { randomBytes } from 'node:crypto'
import { createExpiringMap } from './expiring-map.js'
import type { Grant } from '../grants/grant.js'

/** What the issuer keeps for one authorization code (RFC 6749 §4.1.2, RFC 7636 §4.4). */
export interface CodeRecord {
  readonly clientId: string
  /** The redirect URI the code was sent to. */
  readonly redirectUri: string
  /** Whether the authorization request named it (else the client's only one was used). */
  readonly redirectUriGiven: boolean
  /** The S256 `code_challenge`. */
  readonly challenge: string
  readonly scope: string
  readonly sub: string
  readonly nonce: string | undefined
  readonly authTimeSec: number
  readonly expiresAtMs: number
  /** Set at the first exchange attempt: the code is single-use. */
  used: boolean
  /** The grant the first successful exchange created, revoked if the code is replayed. */
  grant: Grant | undefined
}

/** The codes issued and not yet forgotten. */
export interface AuthorizationCodes {
  /** Issues a code for `record`: 32 random bytes, base64url. */
  issue(record: Omit<CodeRecord, 'used' | 'grant' | 'expiresAtMs'>, nowMs: number): string
  /** The record of `code`, expired or used ones included (to detect replays). */
  find(code: string, nowMs: number): CodeRecord | undefined
}

/** Most codes kept at once. */
export const MAX_CODES = 10_000
// Used codes are remembered at least this long, so a late replay still revokes the grant.
const REMEMBER_MS = 10 * 60_000

/** Creates an empty store of codes that live `expiresInSec` seconds. */
export function createAuthorizationCodes(expiresInSec: number): AuthorizationCodes {
  const codes = createExpiringMap<CodeRecord>(MAX_CODES)
  return {
    issue(record, nowMs) {
      const code = randomBytes(32).toString('base64url')
      const expiresAtMs = nowMs + expiresInSec * 1000
      const keepUntilMs = Math.max(expiresAtMs, nowMs + REMEMBER_MS)
      codes.set(code, { ...record, expiresAtMs, used: false, grant: undefined }, keepUntilMs, nowMs)
      return code
    },
    find: (code, nowMs) => codes.get(code, nowMs),
  }
}
