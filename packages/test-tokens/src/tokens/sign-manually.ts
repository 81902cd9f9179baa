import { constants, KeyObject, sign } from 'node:crypto'
import type { TestKey } from '../keys/test-key.js'

/**
 * Signs `base64url(header).base64url(payload)` with node:crypto, using the key's own
 * algorithm whatever the header says (RFC 7515 §5.1). This is the path for headers jose
 * rightly refuses to produce, such as an unknown `crit` without its parameter.
 */
export function signManually(
  key: TestKey,
  header: Readonly<Record<string, unknown>>,
  payload: Uint8Array,
): string {
  const encodedHeader = Buffer.from(JSON.stringify(header)).toString('base64url')
  const signingInput = `${encodedHeader}.${Buffer.from(payload).toString('base64url')}`
  const privateKey = KeyObject.from(key.privateKey)
  const bits = key.alg === 'EdDSA' ? undefined : key.alg.slice(2)
  const hash = bits === undefined ? null : `sha${bits}`
  const data = Buffer.from(signingInput)
  let signature: Buffer
  if (key.alg.startsWith('PS')) {
    // RFC 7518 §3.5: the salt is as long as the hash output.
    signature = sign(hash, data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(bits) / 8,
    })
  } else if (key.alg.startsWith('ES')) {
    // RFC 7518 §3.4: R and S concatenated, not DER.
    signature = sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
  } else {
    signature = sign(hash, data, privateKey)
  }
  return `${signingInput}.${signature.toString('base64url')}`
}
