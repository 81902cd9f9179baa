import { randomBytes } from 'node:crypto'

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url')
}

/** A fresh JWS-shaped string (RFC 7515 compact): a JSON header, a payload, a random signature. */
export function jwtShaped(claims: Record<string, unknown> = { sub: 'alice' }): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' }))
  const payload = base64url(JSON.stringify({ ...claims, jti: randomBytes(8).toString('hex') }))
  return `${header}.${payload}.${base64url(randomBytes(64))}`
}

/** A fresh JWE-shaped string (RFC 7516 compact, `dir`: the encrypted key part is empty). */
export function jweShaped(): string {
  const header = base64url(JSON.stringify({ alg: 'dir', enc: 'A256GCM' }))
  const parts = [12, 48, 16].map((size) => base64url(randomBytes(size)))
  return `${header}..${parts.join('.')}`
}

/** A fresh opaque token: 32 random bytes, base64url, as authorization servers issue them. */
export function opaque(): string {
  return base64url(randomBytes(32))
}

/** Whether any of `secrets` appears in `text`. */
export function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => text.includes(secret))
}
