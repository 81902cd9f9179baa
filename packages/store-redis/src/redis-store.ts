import { type Store } from '@tokenguard/core'
import { sha256Base64url } from '@tokenguard/core/internal'
import { callRedis } from './internal/call-redis.js'
import { decodeJson, encodeJson } from './internal/json-value.js'
import { PACKAGE } from './internal/package-name.js'
import { resolveOptions } from './internal/resolve-options.js'
import type { RedisStoreOptions } from './options.js'

// Redis reads PX as a 64-bit integer; a longer finite TTL is "forever" in practice.
const MAX_TTL_MS = Number.MAX_SAFE_INTEGER

/**
 * A {@link Store} on Redis, so that every instance of an API shares introspection results
 * and DPoP replay records. Keys are `namespace:` + the SHA-256 (base64url) of the caller's
 * key; values are JSON, at most `maxValueBytes`; each write sets its TTL in the same command
 * (`SET key value PX ttl`), and `setIfAbsent` is `SET ... PX ttl NX`, so two instances can
 * never both accept the same DPoP proof (RFC 9449 §11.1).
 *
 * When Redis is down or slow, every call rejects within `timeoutMs` (the message names the
 * command, never a key or a value). What follows is the caller's policy: the introspection
 * cache treats it as a miss and asks the endpoint; the DPoP replay check fails closed (503).
 *
 * @example
 * import { createClient } from 'redis'
 *
 * const client = createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true })
 * client.on('error', (error) => logger.warn({ err: error }, 'redis'))
 * await client.connect()
 * const store = createRedisStore<CachedIntrospection>({ client, namespace: 'api:introspection' })
 * app.use(introspectionBearer({ issuer, audience, clientAuth, store }))
 */
export function createRedisStore<V extends NonNullable<unknown>>(
  options: RedisStoreOptions,
): Omit<Required<Store<V>>, 'getNow'> {
  const { client, namespace, timeoutMs, maxValueBytes } = resolveOptions(options)
  const redisKey = (key: string): string => `${namespace}:${sha256Base64url(key)}`
  const encode = (value: V): string | undefined => {
    const text = encodeJson(value)
    return text !== undefined && Buffer.byteLength(text, 'utf8') <= maxValueBytes ? text : undefined
  }
  const px = (ttlMs: number): number => Math.min(Math.ceil(ttlMs), MAX_TTL_MS)

  return {
    async get(key) {
      const reply = await callRedis('GET', timeoutMs, () => client.get(redisKey(key)))
      return decodeJson<V>(reply, maxValueBytes)
    },
    async set(key, value, ttlMs) {
      const text = encode(value)
      // Per the Store contract, an entry that cannot be kept replaces nothing: any older
      // value under the key goes, so it is never served in place of the newer one.
      if (text === undefined || !(ttlMs > 0 && Number.isFinite(ttlMs))) {
        await callRedis('DEL', timeoutMs, () => client.del(redisKey(key)))
        return
      }
      const expiration = { type: 'PX', value: px(ttlMs) } as const
      await callRedis('SET', timeoutMs, () => client.set(redisKey(key), text, { expiration }))
    },
    async delete(key) {
      await callRedis('DEL', timeoutMs, () => client.del(redisKey(key)))
    },
    async setIfAbsent(key, value, ttlMs) {
      const text = encode(value)
      // Not remembering would let a replay through: reject, and the caller fails closed.
      if (text === undefined) {
        throw new RangeError(
          `${PACKAGE}: the value is not JSON or is larger than maxValueBytes (${maxValueBytes}); not stored`,
        )
      }
      if (!(ttlMs > 0 && Number.isFinite(ttlMs))) return false
      const expiration = { type: 'PX', value: px(ttlMs) } as const
      const reply = await callRedis('SET NX', timeoutMs, () =>
        client.set(redisKey(key), text, { expiration, condition: 'NX' }),
      )
      return reply === 'OK'
    },
  }
}
