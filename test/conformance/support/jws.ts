import { sign as signWith, type KeyObject } from 'node:crypto'
import type { TestKey } from '@tokenguard/test-tokens'

/** base64url of raw bytes or of a JSON value. */
export function b64(value: unknown): string {
  const bytes = value instanceof Uint8Array ? value : Buffer.from(JSON.stringify(value))
  return Buffer.from(bytes).toString('base64url')
}

/**
 * Signs a compact JWS by hand with an ES256 test key, over header bytes given as they are
 * (so a test can send a header that is not valid UTF-8, which no JOSE library would write).
 */
export async function signEs256Raw(
  key: TestKey,
  headerBytes: Uint8Array,
  payload: Record<string, unknown>,
): Promise<string> {
  if (key.alg !== 'ES256') throw new TypeError('signEs256Raw needs an ES256 test key')
  const input = `${b64(headerBytes)}.${b64(payload)}`
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.privateKey,
    Buffer.from(input),
  )
  return `${input}.${Buffer.from(signature).toString('base64url')}`
}

/** Signs a compact RS256 JWS with a `node:crypto` private key of any size. */
export function signRs256(
  privateKey: KeyObject,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${signWith('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}
