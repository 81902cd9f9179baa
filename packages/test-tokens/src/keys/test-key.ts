import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import type { CryptoKey, JWK } from 'jose'
import type { TestAlgorithm } from './algorithms.js'

/**
 * A public signing key as the issuer publishes it in its JWKS (RFC 7517 §4): key type and
 * public members only, with `kid`, `alg` and `use: 'sig'`. Private members (`d`, `p`, `q`,
 * `dp`, `dq`, `qi`) are never present.
 */
export interface PublicJwk {
  /** Key type: `RSA` for RS and PS, `EC` for ES, `OKP` for EdDSA. */
  readonly kty: 'RSA' | 'EC' | 'OKP'
  /** Key id, the `kid` header of the tokens this key signs. */
  readonly kid: string
  /** The one algorithm this key signs with. */
  readonly alg: TestAlgorithm
  /** Always `'sig'`. */
  readonly use: 'sig'
  /** RSA modulus. */
  readonly n?: string
  /** RSA public exponent. */
  readonly e?: string
  /** Curve: `P-256`, `P-384`, `P-521` or `Ed25519`. */
  readonly crv?: string
  /** EC or OKP public point. */
  readonly x?: string
  /** EC public point. */
  readonly y?: string
}

/** One signing key pair of a test issuer. */
export interface TestKey {
  /** Key id. Default: the first 16 characters of the key's JWK thumbprint (RFC 7638). */
  readonly kid: string
  /** The algorithm this key signs with. */
  readonly alg: TestAlgorithm
  /** The private key (Web Crypto, extractable), for tests that sign on their own. */
  readonly privateKey: CryptoKey
  /** The public key (Web Crypto). */
  readonly publicKey: CryptoKey
  /** The public key as published in the JWKS. */
  readonly publicJwk: PublicJwk
}

/** Options of {@link generateTestKey} and `TestIssuer.addKey`. */
export interface TestKeyOptions {
  /** Key id. Default: the first 16 characters of the key's JWK thumbprint (RFC 7638). */
  kid?: string
}

const KID_LENGTH = 16

/**
 * Generates a fresh, extractable key pair for `alg` (RSA keys have a 2048-bit modulus) and
 * describes it as a {@link TestKey}.
 *
 * @example
 * const key = await generateTestKey('ES256', { kid: 'rotated' })
 */
export async function generateTestKey(
  alg: TestAlgorithm,
  options: TestKeyOptions = {},
): Promise<TestKey> {
  if (options.kid !== undefined && (typeof options.kid !== 'string' || options.kid === '')) {
    throw new TypeError('@tokenguard/test-tokens: kid must be a non-empty string')
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}),
  })
  const exported = await exportJWK(publicKey)
  const kid = options.kid ?? (await calculateJwkThumbprint(exported)).slice(0, KID_LENGTH)
  const publicJwk = Object.freeze({ ...publicMembers(exported), kid, alg, use: 'sig' as const })
  return Object.freeze({ kid, alg, privateKey, publicKey, publicJwk })
}

// Copy the public members by name, so a private member can never reach the JWKS.
function publicMembers(jwk: JWK): Pick<PublicJwk, 'kty' | 'n' | 'e' | 'crv' | 'x' | 'y'> {
  switch (jwk.kty) {
    case 'RSA':
      return { kty: 'RSA', n: required(jwk.n), e: required(jwk.e) }
    case 'EC':
      return { kty: 'EC', crv: required(jwk.crv), x: required(jwk.x), y: required(jwk.y) }
    case 'OKP':
      return { kty: 'OKP', crv: required(jwk.crv), x: required(jwk.x) }
    default:
      throw new TypeError(`@tokenguard/test-tokens: unexpected key type ${String(jwk.kty)}`)
  }
}

function required(value: string | undefined): string {
  if (value === undefined) throw new TypeError('@tokenguard/test-tokens: incomplete public key')
  return value
}
