import { GRANT_TYPES } from '../grants/grant-type.js'
import type { AuthorizationServerClient } from './authorization-server-client.js'
import { isScope } from '../grants/scope.js'
import { PACKAGE } from '../package-name.js'

/** The fields of a {@link AuthorizationServerClient} that say how it may get tokens. */
export type ClientProfile = Pick<
  AuthorizationServerClient,
  'token_endpoint_auth_method' | 'redirect_uris' | 'grant_types' | 'scope' | 'token_format'
>

/** The names of the {@link ClientProfile} fields. */
export const PROFILE_FIELDS: readonly (keyof ClientProfile)[] = [
  'token_endpoint_auth_method',
  'redirect_uris',
  'grant_types',
  'scope',
  'token_format',
]

const MAX_REDIRECT_URIS = 20
const MAX_URI_LENGTH = 2048

/**
 * Checks the grant-related fields of `client` and returns a frozen copy of those given;
 * throws a TypeError that says what to fix.
 */
export function checkClientProfile(client: AuthorizationServerClient): ClientProfile {
  const { token_endpoint_auth_method, redirect_uris, grant_types, scope, token_format } = client
  if (token_endpoint_auth_method !== undefined && token_endpoint_auth_method !== 'none') {
    fail(`token_endpoint_auth_method must be 'none' (a public client) or left out`)
  }
  if (redirect_uris !== undefined) checkRedirectUris(redirect_uris)
  if (grant_types !== undefined) checkGrantTypes(grant_types)
  if (grant_types?.includes('authorization_code') === true && redirect_uris === undefined) {
    fail('a client with the authorization_code grant needs redirect_uris')
  }
  if (scope !== undefined && (typeof scope !== 'string' || scope === '' || !isScope(scope))) {
    fail('scope must be space-separated scope tokens (RFC 6749 §3.3)')
  }
  if (token_format !== undefined && token_format !== 'jwt' && token_format !== 'opaque') {
    fail(`token_format must be 'jwt' or 'opaque'`)
  }
  return Object.freeze({
    ...(token_endpoint_auth_method === undefined ? {} : { token_endpoint_auth_method }),
    ...(redirect_uris === undefined ? {} : { redirect_uris: Object.freeze([...redirect_uris]) }),
    ...(grant_types === undefined ? {} : { grant_types: Object.freeze([...grant_types]) }),
    ...(scope === undefined ? {} : { scope }),
    ...(token_format === undefined ? {} : { token_format }),
  })
}

function checkRedirectUris(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_REDIRECT_URIS) {
    fail(`redirect_uris must be an array of 1 to ${MAX_REDIRECT_URIS} absolute URIs`)
  }
  for (const uri of value as unknown[]) {
    // RFC 6749 §3.1.2: absolute, and no fragment.
    if (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH || !URL.canParse(uri)) {
      fail('every redirect URI must be an absolute URI of at most 2048 characters')
    }
    if (uri.includes('#')) fail('a redirect URI must not have a fragment (RFC 6749 §3.1.2)')
  }
}

function checkGrantTypes(value: unknown): void {
  const known = GRANT_TYPES as readonly unknown[]
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((grant) => known.includes(grant)) ||
    new Set(value).size !== value.length
  ) {
    fail(`grant_types must list, without repeats, some of: ${GRANT_TYPES.join(', ')}`)
  }
}

function fail(message: string): never {
  throw new TypeError(`${PACKAGE}: ${message}`)
}
