/** A service token as the {@link Store} keeps it (JSON, so Redis can share it). */
export interface CachedServiceToken {
  /** The access token. */
  readonly accessToken: string
  /** `token_type` as the server sent it (`Bearer` or `DPoP`). */
  readonly tokenType: string
  /** When the token expires, in milliseconds since the epoch. */
  readonly expiresAt: number
  /** When to start asking for the next one, in milliseconds since the epoch. */
  readonly refreshAt: number
}

const MIN_REFRESH_AHEAD_MS = 60_000
// Without expires_in the token's lifetime is unknown: keep it this long at most.
const UNKNOWN_LIFETIME_MS = 60_000

/**
 * The cache entry for a token that lives `expiresInSec` (or an unknown time) from
 * `issuedAt`: refresh ahead of expiry by the later of 60 s or 10 % of the lifetime (never
 * more than half of it), with up to 10 % of jitter so instances do not all refresh at once.
 */
export function cacheEntry(
  accessToken: string,
  tokenType: string,
  expiresInSec: number | undefined,
  issuedAt: number,
  skewMs: number,
  random: () => number = Math.random,
): CachedServiceToken {
  const lifetimeMs =
    expiresInSec !== undefined && expiresInSec > 0 ? expiresInSec * 1000 : UNKNOWN_LIFETIME_MS
  const expiresAt = issuedAt + lifetimeMs - Math.min(skewMs, lifetimeMs / 4)
  const ahead = Math.min(Math.max(MIN_REFRESH_AHEAD_MS, lifetimeMs / 10), lifetimeMs / 2)
  const jitter = random() * lifetimeMs * 0.1
  return {
    accessToken,
    tokenType,
    expiresAt,
    refreshAt: Math.max(issuedAt, expiresAt - ahead - jitter),
  }
}

/** Whether `value` (read from a shared store) is a well-formed entry. */
export function isCachedServiceToken(value: unknown): value is CachedServiceToken {
  if (value === null || typeof value !== 'object') return false
  const entry = value as Record<string, unknown>
  return (
    typeof entry.accessToken === 'string' &&
    typeof entry.tokenType === 'string' &&
    typeof entry.expiresAt === 'number' &&
    typeof entry.refreshAt === 'number'
  )
}
