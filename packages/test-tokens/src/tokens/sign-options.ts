import type { TestAlgorithm } from '../keys/algorithms.js'

/** Options of `TestIssuer.sign`: which key signs, and how the header and claims are shaped. */
export interface SignOptions {
  /**
   * Algorithm, and so the key, that signs: the issuer's newest key for it.
   * Default: the algorithm of the key named by `kid` when `kid` names one of the issuer's
   * keys, otherwise the issuer's first algorithm.
   */
  alg?: TestAlgorithm
  /**
   * The `kid` header. When it names one of the issuer's keys (of `alg`, if given), that key
   * signs; any other string is sent as is with the default key, for unknown-`kid` tests.
   * `null` leaves the header out. Default: the signing key's kid.
   */
  kid?: string | null
  /** The `typ` header. `null` leaves it out. Default: `'at+jwt'` (RFC 9068 §2.1). */
  typ?: string | null
  /**
   * Lifetime in seconds: `exp` is `iat` plus this. Negative values mint expired tokens.
   * Default: the issuer's `defaultExpiresInSec` (300).
   */
  expiresInSec?: number
  /**
   * Protected header parameters added to, or replacing, the defaults (`alg`, `typ`, `kid`),
   * for hostile-header tests: `crit`, `jku`, `jwk`, `x5u`, even another `alg`. The token is
   * always validly signed by the chosen key with the key's own algorithm, also when jose
   * would refuse the header. A value of `undefined` removes the parameter. Default: none.
   */
  header?: Record<string, unknown>
  /**
   * Default claims to leave out, e.g. `['exp']` or `['sub']`. Claims passed to `sign`
   * are kept. Default: none.
   */
  omit?: readonly string[]
}
