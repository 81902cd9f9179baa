import { LRUCache } from 'lru-cache'

/**
 * Where tokenguard keeps state that several API instances may share (introspection
 * results, DPoP replay records). Every method is async so a network store fits; every
 * entry has a time to live.
 */
export interface Store<V> {
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<V | undefined>
  /** Stores `value` under `key` for `ttlMs` milliseconds. */
  set(key: string, value: V, ttlMs: number): Promise<void>
  /** Removes `key`. */
  delete(key: string): Promise<void>
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions<V> {
  /** Most entries kept; the least recently used go first. Default: 10000. */
  maxEntries?: number
  /** Most bytes kept, as `sizeOf` counts them. Default: no byte bound beyond `maxEntries`. */
  maxBytes?: number
  /** Size of one entry in bytes, required with `maxBytes`. */
  sizeOf?: (value: V, key: string) => number
  /** Clock in milliseconds, for tests. Default: `performance.now` through lru-cache. */
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
  const maxEntries = options.maxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError('@tokenguard/core: maxEntries must be a positive integer')
  }
  if (options.maxBytes !== undefined && options.sizeOf === undefined) {
    throw new TypeError('@tokenguard/core: maxBytes needs a sizeOf function')
  }
  const sizeOf = options.sizeOf
  const cache = new LRUCache<string, V>({
    max: maxEntries,
    ttlAutopurge: false,
    ...(options.maxBytes !== undefined && sizeOf !== undefined
      ? {
          maxSize: options.maxBytes,
          sizeCalculation: (value: V, key: string) => Math.max(1, sizeOf(value, key)),
        }
      : {}),
    ...(options.now !== undefined ? { perf: { now: options.now } } : {}),
  })
  return {
    get: (key) => Promise.resolve(cache.get(key)),
    set: (key, value, ttlMs) => {
      if (ttlMs > 0) cache.set(key, value, { ttl: ttlMs })
      return Promise.resolve()
    },
    delete: (key) => {
      cache.delete(key)
      return Promise.resolve()
    },
  }
}
