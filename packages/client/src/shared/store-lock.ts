import type { Store } from '@tokenguard/core'

/** A lock held through a {@link Store}: `SET key owner PX ttl NX`, released by its owner. */
export interface HeldLock {
  /** Releases the lock if it is still ours (it expires by itself after `ttlMs` anyway). */
  release(): Promise<void>
}

// Release only well inside the TTL: past it, the key may already be another owner's.
const RELEASE_MARGIN_MS = 500

/**
 * Tries once to take the lock `key` for `ttlMs` in `store` (holding `marker`, a value the
 * store can keep); `undefined` when another holds it. A store without `setIfAbsent` cannot
 * lock: every caller gets the lock. With several instances on one Redis, one of them wins (`setIfAbsent` is `SET NX`).
 */
export async function tryLock<V>(
  store: Store<V>,
  key: string,
  marker: V,
  ttlMs: number,
): Promise<HeldLock | undefined> {
  if (store.setIfAbsent === undefined) return { release: () => Promise.resolve() }
  const takenAt = performance.now()
  const taken = await store.setIfAbsent(key, marker, ttlMs)
  if (!taken) return undefined
  return {
    async release() {
      if (performance.now() - takenAt < ttlMs - RELEASE_MARGIN_MS) await store.delete(key)
    },
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve()
      return
    }
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
