import { LRUCache } from 'lru-cache'

/** Options of {@link createKeyQuota}. */
export interface KeyQuotaOptions {
  /** Most proofs one key may have remembered at a time. */
  readonly maxProofsPerKey: number
  /** How long a proof is remembered, in ms: the window the quota counts over. */
  readonly windowMs: number
  /** Most keys counted at once; the least recently seen are forgotten first. */
  readonly maxKeys: number
  readonly now: () => number
}

/**
 * Counts the replay records each DPoP key (`cnf.jkt`) adds, so that no one key fills the
 * replay store for everyone (RFC 9449 §11.1 asks the store to remember every `jti` in its
 * window; a bound token's holder can sign proofs as fast as it likes). Counts a sliding
 * window from two fixed ones: the current window, and the previous one weighted
 * by how much of it still overlaps, so a key never keeps much more than its quota of live
 * records. `take(jkt)` counts one proof and returns `undefined`, or, over the quota, counts
 * nothing and returns the seconds after which the key may try again.
 *
 * @example
 * const quota = createKeyQuota({ maxProofsPerKey: 5_000, windowMs: 70_000, maxKeys: 10_000, now: Date.now })
 * const retryAfterSec = quota.take(jkt)
 */
export function createKeyQuota(options: KeyQuotaOptions): {
  take(jkt: string): number | undefined
} {
  const { maxProofsPerKey, windowMs, now } = options
  const counters = new LRUCache<string, { start: number; current: number; previous: number }>({
    max: options.maxKeys,
  })
  return {
    take(jkt) {
      const at = now()
      let counter = counters.get(jkt)
      if (counter === undefined) {
        counter = { start: at, current: 0, previous: 0 }
        counters.set(jkt, counter)
      }
      const elapsed = at - counter.start
      if (elapsed >= 2 * windowMs) {
        counter.start = at
        counter.previous = 0
        counter.current = 0
      } else if (elapsed >= windowMs) {
        counter.start += windowMs
        counter.previous = counter.current
        counter.current = 0
      }
      const overlap = 1 - (at - counter.start) / windowMs
      if (counter.current + counter.previous * overlap >= maxProofsPerKey) {
        return Math.max(1, Math.ceil((counter.start + windowMs - at) / 1000))
      }
      counter.current++
      return undefined
    },
  }
}
