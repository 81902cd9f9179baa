import { UpstreamError } from '@tokenguard/core/internal'

/** An introspection response whose shape has been checked (RFC 7662 §2.2). */
export type ParsedIntrospection =
  { readonly active: true; readonly claims: Record<string, unknown> } | { readonly active: false }

const STRING_MEMBERS = ['scope', 'client_id', 'username', 'token_type', 'sub', 'iss', 'jti']
const NUMBER_MEMBERS = ['exp', 'iat', 'nbf']

/**
 * Checks the shape of an introspection response. `active` must be the boolean `true` for
 * an active token; anything else that is not `false` (a string "true", a missing member)
 * is a broken upstream, as are members of the wrong type: an {@link UpstreamError}, never
 * an active token.
 */
export function parseIntrospectionResponse(body: unknown): ParsedIntrospection {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new UpstreamError('the introspection response is not a JSON object', 'invalid')
  }
  const claims = body as Record<string, unknown>
  if (claims.active === false) return { active: false }
  if (claims.active !== true) {
    throw new UpstreamError('the introspection response has no boolean "active"', 'invalid')
  }
  for (const name of STRING_MEMBERS) {
    if (Object.hasOwn(claims, name) && typeof claims[name] !== 'string') {
      throw new UpstreamError(`the introspection response has a malformed "${name}"`, 'invalid')
    }
  }
  for (const name of NUMBER_MEMBERS) {
    if (Object.hasOwn(claims, name) && !Number.isFinite(claims[name])) {
      throw new UpstreamError(`the introspection response has a malformed "${name}"`, 'invalid')
    }
  }
  const aud = claims.aud
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((value) => typeof value === 'string'))
  ) {
    throw new UpstreamError('the introspection response has a malformed "aud"', 'invalid')
  }
  return { active: true, claims }
}
