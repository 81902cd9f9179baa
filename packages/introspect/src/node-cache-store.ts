import type { Store } from '@tokenguard/core'
import type { CachedIntrospection } from './options.js'

/** The part of a node-cache instance that {@link nodeCacheStore} uses. */
export interface NodeCacheLike {
  get<T>(key: string): T | undefined
  set<T>(key: string, value: T, ttlSec: number): boolean
  del(key: string): number
}

/**
 * Wraps a node-cache instance you already run as a {@link Store}. node-cache counts TTLs in
 * whole seconds, so each TTL is rounded up. Prefer the default in-memory store: node-cache
 * has no size bound (give it `maxKeys`) and clones every value on get and set (turn
 * `useClones` off, or pay a copy per request).
 *
 * @example
 * const store = nodeCacheStore(new NodeCache({ maxKeys: 50_000, useClones: false }))
 * introspectionBearer({ issuer, audience, clientAuth, store })
 */
export function nodeCacheStore<V = CachedIntrospection>(cache: NodeCacheLike): Store<V> {
  return {
    get: (key) => Promise.resolve(cache.get<V>(key)),
    getNow: (key) => cache.get<V>(key),
    set: (key, value, ttlMs) => {
      if (ttlMs > 0) {
        try {
          cache.set(key, value, Math.max(1, Math.ceil(ttlMs / 1000)))
        } catch {
          // node-cache throws ECACHEFULL at maxKeys: the result is simply not cached.
        }
      }
      return Promise.resolve()
    },
    delete: (key) => {
      cache.del(key)
      return Promise.resolve()
    },
  }
}
