/**
 * One authorization grant: what a user (or a client, for `client_credentials`) approved,
 * and the tokens issued under it, so they can be revoked together when a code or refresh
 * token is replayed (RFC 6749 §4.1.2, RFC 9700 §4.14.2) or a refresh token is revoked
 * (RFC 7009 §2.1).
 */
export interface Grant {
  readonly clientId: string
  readonly sub: string
  /** The approved scope, space-separated; `''` for none. */
  readonly scope: string
  revoked: boolean
  /** Access and refresh tokens issued under the grant, newest last, at most {@link MAX_ISSUED}. */
  readonly issued: string[]
}

/** Most tokens a grant remembers; older ones have usually expired by then. */
export const MAX_ISSUED = 100

/** Creates a grant with no tokens yet. */
export function createGrant(clientId: string, sub: string, scope: string): Grant {
  return { clientId, sub, scope, revoked: false, issued: [] }
}

/** Remembers `token` as issued under `grant`. */
export function rememberIssued(grant: Grant, token: string): void {
  if (grant.issued.length >= MAX_ISSUED) grant.issued.shift()
  grant.issued.push(token)
}

/** Marks `grant` revoked and revokes every token issued under it with `revoke`. */
export function revokeGrant(grant: Grant, revoke: (token: string) => void): void {
  grant.revoked = true
  for (const token of grant.issued.splice(0)) revoke(token)
}
