import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'

/** A JWK as it appears in a JWKS document: only the members tokenguard reads are typed. */
export interface PublicJwk {
  readonly kty?: unknown
  readonly kid?: unknown
  readonly alg?: unknown
  readonly use?: unknown
  readonly key_ops?: unknown
  readonly [member: string]: unknown
}

/**
 * A verification key made ready once per JWKS refresh: a `node:crypto` `KeyObject` bound to
 * the algorithms its type and curve allow, so the per-request check is one `crypto.verify`.
 */
export interface PreparedKey {
  /** The `kid` of the JWK, when it has one. */
  readonly kid: string | undefined
  /** Algorithms this key may verify: fixed by its type, curve and `alg` member. */
  readonly algorithms: ReadonlySet<string>
  /** The public key. */
  readonly keyObject: KeyObject
  /** Exact signature length in bytes for RSA keys (the modulus length). */
  readonly rsaSignatureBytes: number | undefined
  /** The public members of the JWK, serialised: two keys with equal fingerprints are one key. */
  readonly fingerprint: string
}

/** Smallest RSA modulus accepted (RFC 7518 §3.3, §3.5: 2048 bits or larger). */
export const MIN_RSA_BITS = 2048

/** Smallest RSA public exponent accepted (F4, 65537); it must also be odd. */
export const MIN_RSA_EXPONENT = 65_537n

const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
const EC_ALGORITHMS: Readonly<Record<string, string>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
}
const OKP_CURVES = new Set(['Ed25519', 'Ed448'])
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
}

/**
 * Turns one JWK into a {@link PreparedKey}, or returns `undefined` with the reason when the
 * key must not be used for verifying signatures: symmetric (`oct`), `use` other than `sig`,
 * `key_ops` without `verify`, an RSA modulus under 2048 bits, an RSA exponent that is even or
 * under 65537, an unknown type or curve, or
 * members that do not form a valid public key. Private members are never read.
 */
export function prepareKey(jwk: PublicJwk): PreparedKey | { skipped: string } {
  const kty = jwk.kty
  if (typeof kty !== 'string' || !(kty in PUBLIC_MEMBERS)) return { skipped: 'unsupported kty' }
  if (jwk.use !== undefined && jwk.use !== 'sig') return { skipped: 'use is not sig' }
  if (
    jwk.key_ops !== undefined &&
    !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))
  ) {
    return { skipped: 'key_ops lacks verify' }
  }
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid.length > 256)) {
    return { skipped: 'kid is not a short string' }
  }
  const publicJwk: Record<string, unknown> = {}
  for (const member of PUBLIC_MEMBERS[kty] ?? []) {
    if (typeof jwk[member] !== 'string') return { skipped: `missing ${member}` }
    publicJwk[member] = jwk[member]
  }
  let allowed = algorithmsFor(kty, publicJwk.crv)
  if (allowed.length === 0) return { skipped: 'unsupported curve' }
  if (jwk.alg !== undefined) {
    // RFC 7517 §4.4: a key that names its algorithm is used with that algorithm only.
    if (typeof jwk.alg !== 'string' || !allowed.includes(jwk.alg)) {
      return { skipped: 'alg does not fit the key' }
    }
    allowed = [jwk.alg]
  }
  let keyObject: KeyObject
  try {
    keyObject = createPublicKey({
      key: publicJwk as JsonWebKey,
      format: 'jwk',
    })
  } catch {
    return { skipped: 'invalid key material' }
  }
  let rsaSignatureBytes: number | undefined
  if (kty === 'RSA') {
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0
    if (bits < MIN_RSA_BITS) return { skipped: `RSA modulus under ${MIN_RSA_BITS} bits` }
    // Exponent 1 makes the padded digest its own signature: anyone could sign. Small and even
    // exponents are no RSA key anyone should issue (RFC 8017 §3.1 asks for an odd e).
    const exponent = keyObject.asymmetricKeyDetails?.publicExponent ?? 0n
    if (exponent < MIN_RSA_EXPONENT) return { skipped: `RSA exponent under ${MIN_RSA_EXPONENT}` }
    if (exponent % 2n === 0n) return { skipped: 'RSA exponent is even' }
    rsaSignatureBytes = Math.ceil(bits / 8)
  }
  return {
    kid: jwk.kid,
    algorithms: new Set(allowed),
    keyObject,
    rsaSignatureBytes,
    fingerprint: JSON.stringify(publicJwk) + (jwk.alg === undefined ? '' : `|${String(jwk.alg)}`),
  }
}

function algorithmsFor(kty: string, crv: unknown): string[] {
  if (kty === 'RSA') return RSA_ALGORITHMS
  if (typeof crv !== 'string') return []
  if (kty === 'EC') {
    const alg = EC_ALGORITHMS[crv]
    return alg === undefined ? [] : [alg]
  }
  return OKP_CURVES.has(crv) ? ['EdDSA', ...(crv === 'Ed25519' ? ['Ed25519'] : [])] : []
}
