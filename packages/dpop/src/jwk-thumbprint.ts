import { createHash } from 'node:crypto'

// RFC 7638 §3.2: the required members of each key type, in lexicographic order.
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
}

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url: what a DPoP-bound token
 * carries in `cnf.jkt` (RFC 9449 §6). Returns `undefined` for a key type without
 * thumbprint members or with a member missing.
 *
 * @example
 * jwkThumbprint({ kty: 'EC', crv: 'P-256', x: '...', y: '...' }) // '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I'
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === 'string' ? REQUIRED_MEMBERS[jwk.kty] : undefined
  if (members === undefined) return undefined
  const required: Record<string, string> = {}
  for (const member of members) {
    const value = jwk[member]
    if (typeof value !== 'string') return undefined
    required[member] = value
  }
  // JSON.stringify keeps insertion order and writes no white space, as §3.3 requires.
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url')
}
