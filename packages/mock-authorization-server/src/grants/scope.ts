// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), joined by single spaces.
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/

/** Longest scope string accepted in a request or a client, in characters. */
export const MAX_SCOPE_LENGTH = 1024

/** Whether `value` is a well-formed, bounded scope string (RFC 6749 §3.3). */
export function isScope(value: string): boolean {
  return value.length <= MAX_SCOPE_LENGTH && SCOPE.test(value)
}

/** The scope tokens of `value`, without repeats, in order. */
export function scopeTokens(value: string): string[] {
  return [...new Set(value.split(' ').filter((token) => token !== ''))]
}

/** Whether every token of `requested` is one of `allowed`. */
export function scopeWithin(requested: string, allowed: string): boolean {
  const granted = new Set(scopeTokens(allowed))
  return scopeTokens(requested).every((token) => granted.has(token))
}

/**
 * The scope to grant for a request: what it asks for, else the client's default
 * (RFC 6749 §3.3); `undefined` when it asks for a malformed scope or one the client may not
 * have (`invalid_scope`).
 */
export function grantScope(
  requested: string | undefined,
  allowed: string | undefined,
): string | undefined {
  if (requested === undefined) return allowed ?? ''
  if (!isScope(requested)) return undefined
  if (allowed !== undefined && !scopeWithin(requested, allowed)) return undefined
  return scopeTokens(requested).join(' ')
}
