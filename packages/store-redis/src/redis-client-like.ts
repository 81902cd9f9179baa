/** The options of the one `SET` form the store sends: `SET key value PX ttl [NX]`. */
export interface RedisSetOptions {
  /** Time to live in whole milliseconds. */
  expiration: { type: 'PX'; value: number }
  /** `NX`: only when the key does not exist (replay detection). */
  condition?: 'NX'
}

/**
 * The part of a node-redis client (`redis` 5 or 6) that {@link createRedisStore} uses:
 * `GET`, `SET` and `DEL` on one key each. A client from `createClient()`, a cluster client
 * from `createCluster()` and a sentinel client all fit, since every command touches one key.
 */
export interface RedisClientLike {
  /** `GET key`: the string stored under `key`, or `null`. */
  get(key: string): Promise<unknown>
  /** `SET key value PX ttl [NX]`: `'OK'` when stored, `null` when `NX` found the key. */
  set(key: string, value: string, options: RedisSetOptions): Promise<unknown>
  /** `DEL key` */
  del(key: string): Promise<unknown>
}
