import type { TestAlgorithm } from './algorithms.js'
import type { PublicJwk, TestKey } from './test-key.js'

/**
 * The issuer's keys in the order they were added; the newest key of an algorithm signs.
 * A retired key stays until its time on the ring's clock, then leaves as if removed.
 */
export interface KeyRing {
  add(key: TestKey): void
  remove(kid: string): void
  /** Schedules the removal of the key `kid` at `atMs` on the ring's clock, unless sooner. */
  retire(kid: string, atMs: number): void
  /** The newest key of `alg`; throws when there is none. */
  current(alg: TestAlgorithm): TestKey
  byKid(kid: string): TestKey | undefined
  /** Every key, oldest first, as a fresh array. */
  keys(): TestKey[]
  /** The public keys, as fresh objects. */
  publicJwks(): PublicJwk[]
  /** Algorithms that have at least one key, in the order their first key was added. */
  algorithms(): TestAlgorithm[]
}

/**
 * Creates an empty {@link KeyRing} on the clock `now` (milliseconds). Retired keys are
 * dropped when the ring is next read, so no timer is needed and none can leak.
 */
export function createKeyRing(now: () => number = Date.now): KeyRing {
  let keys: TestKey[] = []
  const retireAt = new Map<string, number>()

  const live = (): TestKey[] => {
    if (retireAt.size === 0) return keys
    const nowMs = now()
    const gone = new Set<string>()
    for (const [kid, atMs] of retireAt) if (atMs <= nowMs) gone.add(kid)
    if (gone.size > 0) {
      keys = keys.filter((key) => !gone.has(key.kid))
      for (const kid of gone) retireAt.delete(kid)
    }
    return keys
  }

  return {
    add(key) {
      if (live().some((existing) => existing.kid === key.kid)) {
        throw new RangeError(`@tokenguard/test-tokens: a key with kid "${key.kid}" already exists`)
      }
      keys.push(key)
    },
    remove(kid) {
      const index = live().findIndex((key) => key.kid === kid)
      if (index === -1) throw new RangeError(`@tokenguard/test-tokens: no key has kid "${kid}"`)
      keys.splice(index, 1)
      retireAt.delete(kid)
    },
    retire(kid, atMs) {
      if (!live().some((key) => key.kid === kid)) {
        throw new RangeError(`@tokenguard/test-tokens: no key has kid "${kid}"`)
      }
      // A key already leaving keeps its earlier time.
      retireAt.set(kid, Math.min(retireAt.get(kid) ?? Number.POSITIVE_INFINITY, atMs))
      live()
    },
    current(alg) {
      const key = live().findLast((candidate) => candidate.alg === alg)
      if (key === undefined) {
        throw new RangeError(`@tokenguard/test-tokens: the issuer has no ${alg} key; call addKey`)
      }
      return key
    },
    byKid: (kid) => live().find((key) => key.kid === kid),
    keys: () => [...live()],
    publicJwks: () => live().map((key) => ({ ...key.publicJwk })),
    algorithms: () => [...new Set(live().map((key) => key.alg))],
  }
}
