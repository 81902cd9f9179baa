import { randomUUID } from 'node:crypto'

/**
 * One authorization grant: what a user (or a client, for `client_credentials`) approved.
 * Every token issued under it carries its `id` in the issuer's store, so the grant is
 * revoked as a whole, however many tokens it issued, when a code or refresh token is
 * replayed (RFC 6749 §4.1.2, RFC 9700 §4.14.2) or a refresh token is revoked (RFC 7009 §2.1).
 */
export interface Grant {
  /** A random id, which the issuer's store knows the grant's tokens by. */
  readonly id: string
  readonly clientId: string
  readonly sub: string
  /** The approved scope, space-separated; `''` for none. */
  readonly scope: string
}

/** Creates a grant with a fresh id. */
export function createGrant(clientId: string, sub: string, scope: string): Grant {
  return { id: randomUUID(), clientId, sub, scope }
}
