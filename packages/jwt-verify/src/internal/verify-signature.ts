import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto'
import type { PreparedKey } from './prepared-key.js'

const DIGEST: Readonly<Record<string, string>> = {
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
}
// RFC 7518 §3.4: ES signatures are R || S, each exactly the curve's size.
const ES_SIGNATURE_BYTES: Readonly<Record<string, number>> = { ES256: 64, ES384: 96, ES512: 132 }
const ED_SIGNATURE_BYTES: Readonly<Record<string, number>> = { ed25519: 64, ed448: 114 }

/**
 * Checks a JWS signature with `node:crypto` on a key prepared once. The algorithm has
 * already been matched to the key's type and curve; here the signature's exact length is
 * enforced too, so malformed signatures never reach OpenSSL.
 */
export function verifyAsymmetric(
  alg: string,
  key: PreparedKey,
  signingInput: Buffer,
  signature: Buffer,
): boolean {
  const family = alg.slice(0, 2)
  const digest = DIGEST[alg.slice(2)]
  if (family === 'RS' || family === 'PS') {
    if (digest === undefined || signature.length !== key.rsaSignatureBytes) return false
    // PKCS #1 v1.5 is the default padding of an RSA KeyObject: passing the bare key skips
    // the parsing of an options object on every call.
    if (family === 'RS') return verify(digest, signingInput, key.keyObject, signature)
    // RFC 7518 §3.5: the PSS salt is as long as the hash output.
    const options = {
      key: key.keyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(alg.slice(2)) / 8,
    }
    return verify(digest, signingInput, options, signature)
  }
  if (family === 'ES') {
    if (digest === undefined || signature.length !== ES_SIGNATURE_BYTES[alg]) return false
    return verify(
      digest,
      signingInput,
      { key: key.keyObject, dsaEncoding: 'ieee-p1363' },
      signature,
    )
  }
  if (alg === 'EdDSA' || alg === 'Ed25519') {
    const curve = key.keyObject.asymmetricKeyType ?? ''
    if (signature.length !== ED_SIGNATURE_BYTES[curve]) return false
    return verify(null, signingInput, key.keyObject, signature)
  }
  return false
}

/** Checks an HS256/384/512 signature in constant time. */
export function verifyHmac(
  alg: string,
  secret: KeyObject,
  signingInput: Buffer,
  signature: Buffer,
): boolean {
  const digest = alg.startsWith('HS') ? DIGEST[alg.slice(2)] : undefined
  if (digest === undefined) return false
  const expected = createHmac(digest, secret).update(signingInput).digest()
  return expected.length === signature.length && timingSafeEqual(expected, signature)
}
