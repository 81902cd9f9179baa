import { hash } from 'node:crypto'

/**
 * SHA-256 of a string, base64url: the form a token takes wherever a key can leave the process.
 * `crypto.hash` (Node ≥ 20.12) is the one-shot form: half the cost of a `createHash` object
 * for inputs this small.
 */
export function sha256Base64url(value: string): string {
  return hash('sha256', value, 'base64url')
}
