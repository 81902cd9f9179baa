import { createHash } from 'node:crypto'

/**
 * A bounded map from secrets (codes, refresh tokens, device codes) to their records. Keys
 * are kept as SHA-256 digests, so the map never holds a secret and lookups compare digests,
 * not the secrets themselves. Each entry is kept until its `keepUntilMs`; when the map is
 * full, expired entries go first, then the oldest.
 */
export interface ExpiringMap<V> {
  /** The record of `secret`, or `undefined` when there is none or it is past `keepUntilMs`. */
  get(secret: string, nowMs: number): V | undefined
  /** Stores `value` for `secret` until `keepUntilMs`. */
  set(secret: string, value: V, keepUntilMs: number, nowMs: number): void
  delete(secret: string): void
  /** Number of entries, expired ones included until they are dropped. */
  readonly size: number
}

/** Creates an empty {@link ExpiringMap} of at most `maxEntries` entries. */
export function createExpiringMap<V>(maxEntries: number): ExpiringMap<V> {
  const entries = new Map<string, { value: V; keepUntilMs: number }>()

  function makeRoom(nowMs: number): void {
    if (entries.size < maxEntries) return
    for (const [key, entry] of entries) if (entry.keepUntilMs <= nowMs) entries.delete(key)
    // Still full: drop the oldest (a Map iterates in insertion order).
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break
      entries.delete(key)
    }
  }

  return {
    get(secret, nowMs) {
      const key = digest(secret)
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (entry.keepUntilMs > nowMs) return entry.value
      entries.delete(key)
      return undefined
    },
    set(secret, value, keepUntilMs, nowMs) {
      makeRoom(nowMs)
      entries.set(digest(secret), { value, keepUntilMs })
    },
    delete(secret) {
      entries.delete(digest(secret))
    },
    get size() {
      return entries.size
    },
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url')
}
