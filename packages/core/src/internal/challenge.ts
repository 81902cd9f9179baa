/**
 * Parameters of one `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9110 §11.6.1).
 * Values are written as quoted-strings; `undefined` parameters are left out.
 */
export interface ChallengeParams {
  /** Protection space, RFC 9110 §11.5. */
  realm?: string | undefined
  /** OAuth error code, RFC 6750 §3.1. */
  error?: string | undefined
  /** Human-readable, safe explanation of the error. */
  error_description?: string | undefined
  /** Space-delimited scopes the resource needs, RFC 6750 §3. */
  scope?: string | undefined
  /** Any further parameter (e.g. `resource_metadata`, RFC 9728 §5.1). */
  [param: string]: string | undefined
}

// RFC 6750 §3: error and error_description MUST NOT include characters outside
// %x20-21 / %x23-5B / %x5D-7E; scope tokens are NQCHAR (%x21 / %x23-5B / %x5D-7E).
const OUTSIDE_DESCRIPTION_CHARSET = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/
// RFC 9110 §5.6.2 token, the only legal shape for an auth-param name.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const MAX_PARAM_LENGTH = 512

/**
 * Makes any string safe to place inside a quoted-string: RFC 6750 forbids `"` and `\`
 * in its parameters outright, so they are replaced rather than escaped, and control or
 * non-ASCII characters (which could split a header) are replaced by `?`.
 */
export function sanitizeChallengeValue(value: string): string {
  const clipped = value.length > MAX_PARAM_LENGTH ? value.slice(0, MAX_PARAM_LENGTH) : value
  return clipped.replace(OUTSIDE_DESCRIPTION_CHARSET, (char) => (char === '"' ? "'" : '?'))
}

/**
 * Keeps only scope tokens that RFC 6750 §3 allows (1*NQCHAR), joined by one space. A token
 * with any other character is dropped whole rather than trimmed, because a trimmed token
 * would name a different scope.
 */
export function formatScopeParam(scopes: readonly string[]): string {
  return scopes
    .flatMap((scope) => scope.split(' '))
    .filter((scope) => SCOPE_TOKEN.test(scope))
    .join(' ')
}

/**
 * Builds a `WWW-Authenticate` challenge such as
 * `Bearer realm="api", error="invalid_token", error_description="The access token expired"`.
 *
 * @example
 * formatChallenge('Bearer', { realm: 'api' }) // 'Bearer realm="api"'
 */
export function formatChallenge(scheme: string, params: ChallengeParams): string {
  if (!TOKEN.test(scheme)) throw new TypeError(`@tokenguard/core: invalid auth scheme "${scheme}"`)
  const parts: string[] = []
  const written = new Set<string>()
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue
    if (!TOKEN.test(name)) {
      throw new TypeError(`@tokenguard/core: invalid challenge parameter name "${name}"`)
    }
    // RFC 9110 §11.2: each parameter name appears once per challenge (case-insensitively).
    const key = name.toLowerCase()
    if (written.has(key)) continue
    const safe = name === 'scope' ? formatScopeParam([value]) : sanitizeChallengeValue(value)
    // RFC 6750 §3: a scope attribute holds at least one scope token.
    if (name === 'scope' && safe === '') continue
    written.add(key)
    parts.push(`${name}="${safe}"`)
  }
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`
}
