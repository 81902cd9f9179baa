/**
 * An introspection answer (RFC 7662 §2.2): `{ active: false }` alone for a token that is
 * unknown, expired, not yet valid or revoked; otherwise `active: true`, `token_type` and the
 * token's claims (`scope`, `client_id`, `sub`, `exp`, `iat`, `nbf`, `iss`, `aud`, `jti`, ...).
 */
export interface IntrospectionResponse {
  /** Whether the token is currently active. */
  readonly active: boolean
  /** The token's claims, when active. */
  readonly [claim: string]: unknown
}
