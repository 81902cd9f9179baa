const BASE = 'http://return-to.invalid'
const MAX_LENGTH = 2048

/**
 * `value` when it is a same-origin relative path (`/pets?sort=name`), else `fallback`: an
 * absolute URL, a scheme-relative `//host`, a backslash trick (`/\host`), control
 * characters or an overlong value would turn login into an open redirect.
 */
export function safeReturnTo(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  if (!URL.canParse(value, BASE)) return fallback
  const url = new URL(value, BASE)
  return url.origin === BASE ? `${url.pathname}${url.search}${url.hash}` : fallback
}
