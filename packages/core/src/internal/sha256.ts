import { createHash } from 'node:crypto'

/** SHA-256 of a string, base64url: the form a token takes wherever a key can leave the process. */
export function sha256Base64url(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}
