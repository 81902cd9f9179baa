import type { TestAlgorithm } from '../keys/algorithms.js'
import type { SignOptions } from '../tokens/sign-options.js'
import { generateTestKey } from '../keys/test-key.js'
import type { TestKey } from '../keys/test-key.js'
import { splitJws } from './jws.js'
import type { JwsParts } from './jws.js'

/** The part of a test issuer hostile tokens are made from; a `TestIssuer` is one. */
export interface HostileSource {
  /** The issuer's current `iss`. */
  readonly issuer: string
  /** The issuer's `aud`. */
  readonly audience: string
  /** Mints a validly signed access token. */
  sign(claims?: Record<string, unknown>, options?: SignOptions): Promise<string>
  /** The issuer's signing key of `alg`; the default one without `alg`. */
  key(alg?: TestAlgorithm): TestKey
}

/** What every hostile-token factory works with. */
export interface HostileContext {
  readonly source: HostileSource
  /** The issuer's clock, in seconds since the epoch. */
  nowSec(): number
  /** A valid token of the issuer, with `claims` on top of the defaults, taken apart. */
  mint(claims: Readonly<Record<string, unknown>>, options?: SignOptions): Promise<JwsParts>
  /**
   * The attacker's key for `alg`: generated once per issuer, never in the issuer's JWKS,
   * with a kid the issuer does not know.
   */
  attackerKey(alg: TestAlgorithm): Promise<TestKey>
}

/** Creates the {@link HostileContext} of one issuer; `now` is its clock in milliseconds. */
export function createHostileContext(source: HostileSource, now: () => number): HostileContext {
  const attackerKeys = new Map<TestAlgorithm, Promise<TestKey>>()
  return {
    source,
    nowSec: () => Math.floor(now() / 1000),
    mint: async (claims, options = {}) => splitJws(await source.sign({ ...claims }, options)),
    attackerKey(alg) {
      let key = attackerKeys.get(alg)
      if (key === undefined) {
        key = generateTestKey(alg)
        attackerKeys.set(alg, key)
      }
      return key
    },
  }
}
