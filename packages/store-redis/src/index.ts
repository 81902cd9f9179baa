export { createRedisStore } from './redis-store.js'

export type { RedisStoreOptions } from './options.js'
export type { RedisClientLike, RedisSetOptions } from './redis-client-like.js'
