import {
  checkOptionNames,
  MAX_TIMER_MS,
  positiveInteger,
  positiveNumber,
} from '@tokenguard/core/internal'
import { REDIS_STORE_OPTION_NAMES, type RedisStoreOptions } from '../options.js'
import type { RedisClientLike } from '../redis-client-like.js'
import { PACKAGE } from './package-name.js'

/** {@link RedisStoreOptions} checked, with every default applied. */
export interface ResolvedRedisStoreOptions {
  client: RedisClientLike
  namespace: string
  timeoutMs: number
  maxValueBytes: number
}

const NAMESPACE = /^[\x21-\x7e]{1,128}$/

/** Checks the options of `createRedisStore` and applies the defaults; throws on a mistake. */
export function resolveOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  checkOptionNames(PACKAGE, options, REDIS_STORE_OPTION_NAMES)
  const { client } = options
  const usable =
    typeof client === 'object' &&
    client !== null &&
    ['get', 'set', 'del'].every(
      (name) => typeof (client as unknown as Record<string, unknown>)[name] === 'function',
    )
  if (!usable) {
    throw new TypeError(
      `${PACKAGE}: client is required: a connected node-redis client (createClient({ url }) from "redis", then await client.connect())`,
    )
  }
  const namespace = options.namespace ?? 'tokenguard'
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new TypeError(
      `${PACKAGE}: namespace must be 1 to 128 printable ASCII characters without spaces, e.g. "tokenguard:introspection"`,
    )
  }
  // setTimeout turns a longer delay into 1 ms.
  const timeoutMs = positiveNumber(PACKAGE, 'timeoutMs', options.timeoutMs, 250, MAX_TIMER_MS)
  const maxValueBytes = positiveInteger(PACKAGE, 'maxValueBytes', options.maxValueBytes, 65_536)
  return { client, namespace, timeoutMs, maxValueBytes }
}
