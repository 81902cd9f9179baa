// RFC 6749 §3.3: scope-token = 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/
const WHITESPACE = /\s/

/**
 * Checks the scopes a guard was given and returns them without duplicates, frozen. Throws a
 * `TypeError` that says what to change; `usage` is a correct call to show.
 */
export function validateScopes(usage: string, scopes: readonly unknown[]): readonly string[] {
  const prefix = `@tokenguard/scopes: ${usage.slice(0, usage.indexOf('('))}`
  if (scopes.length === 0) {
    throw new TypeError(`${prefix} needs at least one scope, e.g. ${usage}`)
  }
  for (const scope of scopes) {
    if (typeof scope !== 'string') {
      const got = Array.isArray(scope) ? 'an array' : scope === null ? 'null' : typeof scope
      throw new TypeError(`${prefix} takes scopes as strings, e.g. ${usage}; got ${got}`)
    }
    if (scope === '' || WHITESPACE.test(scope)) {
      throw new TypeError(
        `${prefix} got ${JSON.stringify(scope)}: a scope is one non-empty token without ` +
          `whitespace, so list several scopes one by one, e.g. ${usage}`,
      )
    }
    if (!SCOPE_TOKEN.test(scope)) {
      throw new TypeError(
        `${prefix} got ${JSON.stringify(scope)}: a scope token cannot hold quotes, ` +
          `backslashes, control or non-ASCII characters (RFC 6749 §3.3)`,
      )
    }
  }
  return Object.freeze([...new Set(scopes as readonly string[])])
}
