import type { RedisClientLike } from './redis-client-like.js'
import { optionNames } from '@tokenguard/core/internal'

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected node-redis client (`createClient({ url })` from `redis`, then
   * `await client.connect()`), shared with the rest of your app if you like. The store
   * never connects, quits or listens to it: give it an `'error'` listener (node-redis
   * throws unhandled `'error'` events), and `disableOfflineQueue: true` so that commands
   * fail at once while the connection is down instead of waiting out `timeoutMs`.
   */
  client: RedisClientLike
  /**
   * Prefix of every key, followed by `:` and the SHA-256 (base64url) of the caller's key.
   * 1 to 128 printable ASCII characters, no spaces. Give each use its own
   * (`'tokenguard:introspection'`, `'tokenguard:dpop'`) and each API its own when several
   * share one Redis. Default: `'tokenguard'`.
   */
  namespace?: string
  /**
   * How long one command may take, in ms, before the call rejects. Keep it well under your
   * request timeout: every request of an introspected token waits for one `GET`.
   * Default: 250.
   */
  timeoutMs?: number
  /**
   * Largest value stored, in bytes of its JSON text. `set` of a larger value stores nothing
   * (and removes any older value under the key); `setIfAbsent` rejects. A larger reply to
   * `get` reads as absent, unparsed. Default: 65536 (64 KiB).
   */
  maxValueBytes?: number
}

/** Every option name of {@link RedisStoreOptions}, for typo detection. */
export const REDIS_STORE_OPTION_NAMES: readonly string[] = optionNames<RedisStoreOptions>()([
  'client',
  'namespace',
  'timeoutMs',
  'maxValueBytes',
])
