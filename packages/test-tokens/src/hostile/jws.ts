import { constants, KeyObject, sign } from 'node:crypto'
import type { TestKey } from '../keys/test-key.js'

/** A compact JWS taken apart: its three encoded segments and the decoded header and payload. */
export interface JwsParts {
  readonly encodedHeader: string
  readonly encodedPayload: string
  readonly signature: string
  readonly header: Readonly<Record<string, unknown>>
  readonly payload: Readonly<Record<string, unknown>>
}

/** Splits a compact JWS minted by the issuer, which is always well formed. */
export function splitJws(token: string): JwsParts {
  const [encodedHeader = '', encodedPayload = '', signature = ''] = token.split('.')
  return {
    encodedHeader,
    encodedPayload,
    signature,
    header: decodeJson(encodedHeader),
    payload: decodeJson(encodedPayload),
  }
}

/** base64url (unpadded) of the JSON text of `value`, or of a JSON text given as is. */
export function encodeJson(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return Buffer.from(text, 'utf8').toString('base64url')
}

/**
 * Signs an already encoded `header.payload` with `key`, in the key's own algorithm
 * (RFC 7518 §3), and returns the base64url signature. Taking the signing input as text lets
 * a hostile token sign exactly the characters it sends, non-canonical ones included.
 */
export function signInput(key: TestKey, signingInput: string): string {
  const privateKey = KeyObject.from(key.privateKey)
  const bits = key.alg === 'EdDSA' ? undefined : key.alg.slice(2)
  const hash = bits === undefined ? null : `sha${bits}`
  const data = Buffer.from(signingInput, 'latin1')
  let signature: Buffer
  if (key.alg.startsWith('PS')) {
    // RFC 7518 §3.5: the salt is as long as the hash output.
    const padding = constants.RSA_PKCS1_PSS_PADDING
    signature = sign(hash, data, { key: privateKey, padding, saltLength: Number(bits) / 8 })
  } else if (key.alg.startsWith('ES')) {
    // RFC 7518 §3.4: R and S concatenated, not DER.
    signature = sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
  } else {
    signature = sign(hash, data, privateKey)
  }
  return signature.toString('base64url')
}

/** A compact JWS of `header` and `payload` signed by `key`. */
export function forgeSigned(key: TestKey, header: unknown, payload: unknown): string {
  const input = `${encodeJson(header)}.${encodeJson(payload)}`
  return `${input}.${signInput(key, input)}`
}

function decodeJson(segment: string): Readonly<Record<string, unknown>> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>
}
