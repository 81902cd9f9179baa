/**
 * The asymmetric JWS algorithms the suite accepts (RFC 7518 §3, RFC 8037 for EdDSA, and
 * the fully specified `Ed25519` of RFC 9864), in one order: RSA PKCS#1 v1.5, RSA-PSS,
 * ECDSA, EdDSA. Access tokens and DPoP proofs draw their defaults from this one list.
 */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const

/** One of {@link ASYMMETRIC_ALGORITHMS}. */
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number]

/** HMAC algorithms: only with a configured secret, never beside a JWKS (RFC 8725 §2.1). */
export const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const

/** One of {@link SYMMETRIC_ALGORITHMS}. */
export type SymmetricAlgorithm = (typeof SYMMETRIC_ALGORITHMS)[number]

const ASYMMETRIC: ReadonlySet<string> = new Set(ASYMMETRIC_ALGORITHMS)

/** True for a name in {@link ASYMMETRIC_ALGORITHMS}. */
export function isAsymmetricAlgorithm(alg: unknown): alg is AsymmetricAlgorithm {
  return typeof alg === 'string' && ASYMMETRIC.has(alg)
}
