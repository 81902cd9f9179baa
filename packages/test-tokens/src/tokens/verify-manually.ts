import { constants, KeyObject, verify } from 'node:crypto'
import type { TestKey } from '../keys/test-key.js'

/**
 * Checks a compact JWS signed by one of `keys` with node:crypto, synchronously, and returns
 * its payload; `undefined` when the token is malformed or no key's signature holds. The key
 * is found by `kid`, else tried by `alg`; the header's `alg` must be the key's own.
 */
export function verifyManually(
  token: string,
  keys: readonly TestKey[],
): Record<string, unknown> | undefined {
  const [encodedHeader, encodedPayload, signature, extra] = token.split('.')
  if (encodedHeader === undefined || encodedPayload === undefined || signature === undefined) {
    return undefined
  }
  if (extra !== undefined) return undefined
  const header = parseObject(encodedHeader)
  if (header === undefined) return undefined
  const candidates = keys.filter(
    (key) => key.alg === header.alg && (header.kid === undefined || key.kid === header.kid),
  )
  const data = Buffer.from(`${encodedHeader}.${encodedPayload}`)
  const bytes = Buffer.from(signature, 'base64url')
  if (!candidates.some((key) => signatureHolds(key, data, bytes))) return undefined
  return parseObject(encodedPayload)
}

function signatureHolds(key: TestKey, data: Buffer, signature: Buffer): boolean {
  try {
    return verifyWith(key, data, signature)
  } catch {
    // node:crypto throws on some malformed signatures; those simply do not hold.
    return false
  }
}

function verifyWith(key: TestKey, data: Buffer, signature: Buffer): boolean {
  const publicKey = KeyObject.from(key.publicKey)
  const bits = key.alg === 'EdDSA' ? undefined : key.alg.slice(2)
  const hash = bits === undefined ? null : `sha${bits}`
  if (key.alg.startsWith('PS')) {
    // RFC 7518 §3.5: the salt is as long as the hash output.
    const options = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING }
    return verify(hash, data, { ...options, saltLength: Number(bits) / 8 }, signature)
  }
  if (key.alg.startsWith('ES')) {
    // RFC 7518 §3.4: R and S concatenated, not DER.
    return verify(hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)
  }
  return verify(hash, data, publicKey, signature)
}

function parseObject(encoded: string): Record<string, unknown> | undefined {
  if (!/^[\w-]+$/.test(encoded)) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
