import { LRUCache } from 'lru-cache'
import { positiveInteger } from './internal/number-options.js'

const PACKAGE = '@tokenguard/core'

/**
 * Where tokenguard keeps state that several API instances may share (introspection
 * results, DPoP replay records). Every method but the optional `getNow` is async, so a network store fits; every
 * entry has a time to live.
 */
export interface Store<V> {
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<V | undefined>
  /**
   * The value under `key` at once, for a store that holds its entries in this process:
   * a cache hit then costs no promise. `undefined` means absent or expired, and the caller
   * may still ask {@link Store.get}. Optional: a network store (Redis) leaves it out.
   */
  getNow?(key: string): V | undefined
  /**
   * Stores `value` under `key` for `ttlMs` milliseconds. A `ttlMs` that is not a positive,
   * finite number stores nothing and removes any older value under `key`.
   */
  set(key: string, value: V, ttlMs: number): Promise<void>
  /** Removes `key`. */
  delete(key: string): Promise<void>
  /**
   * Stores `value` under `key` for `ttlMs` only if no live value is there, atomically, and
   * says whether it did: the primitive of replay detection (DPoP `jti`, RFC 9449 §11.1).
   * Rejects when the store cannot promise to remember the entry (full, or unreachable), so
   * a replay check fails closed. Optional: only stores used for replay detection need it.
   */
  setIfAbsent?(key: string, value: V, ttlMs: number): Promise<boolean>
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions<V> {
  /** Most entries kept; the least recently used go first. Default: 10000. */
  maxEntries?: number
  /** Most bytes kept, as `sizeOf` counts them. Default: no byte bound beyond `maxEntries`. */
  maxBytes?: number
  /**
   * Size of one entry in bytes, required with `maxBytes`; rounded up, at least 1. An entry
   * larger than `maxBytes` is not kept.
   */
  sizeOf?: (value: V, key: string) => number
  /**
   * Clock in milliseconds, read on every access, for tests (a fake clock may start at 0).
   * Default: `performance.now` through lru-cache.
   */
  now?: () => number
}

/**
 * The default {@link Store}: an in-memory LRU (lru-cache), bounded by entries and
 * optionally by bytes, with a TTL on every entry. Values are kept by reference.
 *
 * @example
 * const store = createMemoryStore<IntrospectionResult>({ maxEntries: 50_000 })
 */
export function createMemoryStore<V extends NonNullable<unknown>>(
  options: MemoryStoreOptions<V> = {},
): Store<V> {
  const maxEntries = positiveInteger(PACKAGE, 'maxEntries', options.maxEntries, 10_000)
  const { sizeOf, now } = options
  const maxBytes =
    options.maxBytes === undefined
      ? undefined
      : positiveInteger(PACKAGE, 'maxBytes', options.maxBytes, 0)
  if (maxBytes !== undefined && sizeOf === undefined) {
    throw new TypeError(`${PACKAGE}: maxBytes needs a sizeOf function`)
  }
  const cache = new LRUCache<string, V>({
    max: maxEntries,
    ttlAutopurge: false,
    ...(maxBytes !== undefined && sizeOf !== undefined
      ? {
          maxSize: maxBytes,
          // lru-cache throws on a size that is not a positive integer; a size that is not a
          // number at all counts as too large to keep.
          sizeCalculation: (value: V, key: string) => {
            const size = Math.ceil(sizeOf(value, key))
            return Number.isFinite(size) ? Math.max(1, size) : maxBytes + 1
          },
        }
      : {}),
    ...(now !== undefined
      ? {
          // lru-cache reads 0 as "no start time" (the entry would never expire) and reuses
          // one reading for ttlResolution ms of real time, so an injected clock is shifted
          // by 1 and read every time.
          perf: { now: () => now() + 1 },
          ttlResolution: 0,
        }
      : {}),
  })
  return {
    get: (key) => Promise.resolve(cache.get(key)),
    getNow: (key) => cache.get(key),
    set: (key, value, ttlMs) => {
      // An entry that is already expired replaces nothing: any older value goes too.
      if (ttlMs > 0 && Number.isFinite(ttlMs)) cache.set(key, value, { ttl: Math.ceil(ttlMs) })
      else cache.delete(key)
      return Promise.resolve()
    },
    delete: (key) => {
      cache.delete(key)
      return Promise.resolve()
    },
    setIfAbsent: (key, value, ttlMs) => {
      if (cache.has(key)) return Promise.resolve(false)
      if (cache.size >= maxEntries) cache.purgeStale()
      // Evicting a live entry would forget a replay record inside its window: refuse instead.
      if (cache.size >= maxEntries) {
        return Promise.reject(new RangeError('@tokenguard/core: the store is full'))
      }
      if (!(ttlMs > 0 && Number.isFinite(ttlMs))) return Promise.resolve(false)
      cache.set(key, value, { ttl: Math.ceil(ttlMs) })
      return Promise.resolve(true)
    },
  }
}
