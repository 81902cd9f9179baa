import type { TestAlgorithm } from '../algorithms.js'
import type { PublicJwk, TestKey } from '../test-key.js'

/** The issuer's keys in the order they were added; the newest key of an algorithm signs. */
export interface KeyRing {
  add(key: TestKey): void
  remove(kid: string): void
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

/** Creates an empty {@link KeyRing}. */
export function createKeyRing(): KeyRing {
  const keys: TestKey[] = []
  return {
    add(key) {
      if (keys.some((existing) => existing.kid === key.kid)) {
        throw new RangeError(`@tokenguard/test-tokens: a key with kid "${key.kid}" already exists`)
      }
      keys.push(key)
    },
    remove(kid) {
      const index = keys.findIndex((key) => key.kid === kid)
      if (index === -1) throw new RangeError(`@tokenguard/test-tokens: no key has kid "${kid}"`)
      keys.splice(index, 1)
    },
    current(alg) {
      const key = keys.findLast((candidate) => candidate.alg === alg)
      if (key === undefined) {
        throw new RangeError(`@tokenguard/test-tokens: the issuer has no ${alg} key; call addKey`)
      }
      return key
    },
    byKid: (kid) => keys.find((key) => key.kid === kid),
    keys: () => [...keys],
    publicJwks: () => keys.map((key) => ({ ...key.publicJwk })),
    algorithms: () => [...new Set(keys.map((key) => key.alg))],
  }
}
