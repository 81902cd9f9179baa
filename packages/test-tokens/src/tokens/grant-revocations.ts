/**
 * Which JWTs belong to which grant, and which grants are revoked, so that revoking a grant
 * (RFC 7009 §2.1, RFC 9700 §4.14.2) turns every token issued under it inactive, however many
 * were issued, without the issuer keeping a list of the tokens themselves.
 */
export interface GrantRevocations {
  /** Remembers that the JWT known by `key` (its `jti`) belongs to `grantId` until `expSec`. */
  tag(key: string, grantId: string, expSec: number, nowSec: number): void
  /** The grant of the JWT known by `key`, while it is remembered. */
  grantOf(key: string): string | undefined
  /** Revokes `grantId`: every token tagged with it is inactive from now on. */
  revoke(grantId: string): void
  /** Whether `grantId` was revoked; `false` for `undefined` (a token of no grant). */
  isRevoked(grantId: string | undefined): boolean
}

/**
 * Most JWTs remembered with their grant, and most revoked grants, at once. When the tags are
 * full, expired ones go first, then the oldest tenth; when the revoked grants are full, the
 * oldest goes.
 */
export const MAX_GRANT_ENTRIES = 100_000

/** Creates an empty {@link GrantRevocations}. */
export function createGrantRevocations(): GrantRevocations {
  const tags = new Map<string, { grantId: string; expSec: number }>()
  const revoked = new Set<string>()

  function makeRoom(nowSec: number): void {
    if (tags.size < MAX_GRANT_ENTRIES) return
    for (const [key, entry] of tags) if (entry.expSec <= nowSec) tags.delete(key)
    // Still nearly full: drop the oldest tenth at once, so the sweep is not paid on every tag.
    const keep = MAX_GRANT_ENTRIES * 0.9
    for (const key of tags.keys()) {
      if (tags.size < keep) break
      tags.delete(key)
    }
  }

  return {
    tag(key, grantId, expSec, nowSec) {
      makeRoom(nowSec)
      tags.set(key, { grantId, expSec })
    },
    grantOf: (key) => tags.get(key)?.grantId,
    revoke(grantId) {
      if (revoked.has(grantId)) return
      if (revoked.size >= MAX_GRANT_ENTRIES) revoked.delete(revoked.values().next().value ?? '')
      revoked.add(grantId)
    },
    isRevoked: (grantId) => grantId !== undefined && revoked.has(grantId),
  }
}
