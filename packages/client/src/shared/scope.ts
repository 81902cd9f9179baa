import { PACKAGE } from './package-name.js'

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** Scopes given space-separated or as a list, checked as RFC 6749 §3.3 scope tokens. */
export function scopeList(scope: string | readonly string[]): string[] {
  const list = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [...scope]
  if (list.some((item) => typeof item !== 'string' || !SCOPE_TOKEN.test(item))) {
    throw new TypeError(
      `${PACKAGE}: scope must be scope tokens (RFC 6749 §3.3), space-separated or as a list`,
    )
  }
  return list
}
