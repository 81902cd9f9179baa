/** Remembers the `jti` of each accepted client assertion until the assertion expires. */
export interface JtiReplayCache {
  /** Records `jti` of `clientId`; `false` when it was already used and has not expired. */
  use(clientId: string, jti: string, expSec: number, nowSec: number): boolean
}

/**
 * Creates an empty {@link JtiReplayCache}. Expired entries are dropped on each use, so the
 * cache holds no more than the assertions still valid (RFC 7523 §3, item 7).
 */
export function createJtiReplayCache(): JtiReplayCache {
  const seen = new Map<string, number>()
  return {
    use(clientId, jti, expSec, nowSec) {
      for (const [key, exp] of seen) if (exp < nowSec) seen.delete(key)
      // The NUL separator cannot occur in a form-decoded client_id that is also a JWT string.
      const key = `${clientId}\u0000${jti}`
      if (seen.has(key)) return false
      seen.set(key, expSec)
      return true
    },
  }
}
