import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm } from '@tokenguard/core/internal'

/**
 * A JWS algorithm the test issuer can sign with: the asymmetric algorithms tokenguard
 * accepts by default (RFC 7518 §3, RFC 8037 for EdDSA), but `Ed25519`, the fully specified
 * name of RFC 9864, which signs with the same key as `EdDSA`.
 */
export type TestAlgorithm = Exclude<AsymmetricAlgorithm, 'Ed25519'>

/**
 * Every {@link TestAlgorithm}, in the suite's order: RSA PKCS#1 v1.5, RSA-PSS, ECDSA, EdDSA.
 *
 * @example
 * const issuer = await createTestIssuer({ algorithms: TEST_ALGORITHMS })
 */
export const TEST_ALGORITHMS: readonly TestAlgorithm[] = Object.freeze(
  ASYMMETRIC_ALGORITHMS.filter((alg): alg is TestAlgorithm => alg !== 'Ed25519'),
)

/** The algorithms an issuer signs with when none are configured; the first is the default. */
export const DEFAULT_TEST_ALGORITHMS: readonly TestAlgorithm[] = Object.freeze([
  'RS256',
  'PS256',
  'ES256',
  'EdDSA',
])

/** Whether `value` names a {@link TestAlgorithm}. */
export function isTestAlgorithm(value: unknown): value is TestAlgorithm {
  return typeof value === 'string' && (TEST_ALGORITHMS as readonly string[]).includes(value)
}

/** Returns `alg`, or throws a RangeError when it is not a {@link TestAlgorithm}. */
export function checkAlgorithm(alg: unknown): TestAlgorithm {
  if (!isTestAlgorithm(alg)) {
    throw new RangeError(
      `@tokenguard/test-tokens: unsupported algorithm "${String(alg)}"; use RS*, PS*, ES* or EdDSA`,
    )
  }
  return alg
}
