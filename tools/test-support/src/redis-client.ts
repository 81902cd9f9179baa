import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import { inject } from 'vitest'

function create(url: string, disableOfflineQueue: boolean) {
  const client = createClient({
    url,
    disableOfflineQueue,
    socket: { reconnectStrategy: (retries) => Math.min(50 * (retries + 1), 500) },
  })
  client.on('error', () => undefined)
  return client
}

/** A node-redis client as the tests make them. */
export type TestRedisClient = ReturnType<typeof create>

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /** Default: the URL of the run's redis-server (`inject('redisUrl')`). */
  url?: string
  /** Fail commands at once while disconnected, as the store's README advises. Default: true. */
  disableOfflineQueue?: boolean
}

/**
 * Connects a node-redis client the way the README of `@tokenguard/store-redis` advises: an
 * `'error'` listener (errors reach the tests through the commands) and no offline queue.
 * Close it with `client.destroy()`.
 */
export async function connectRedis(options: ConnectRedisOptions = {}): Promise<TestRedisClient> {
  const client = create(options.url ?? inject('redisUrl'), options.disableOfflineQueue ?? true)
  await client.connect()
  return client
}

/** A key namespace no other test uses, so tests share one redis-server without colliding. */
export function testNamespace(label: string): string {
  return `test:${label}:${randomUUID()}`
}

/** Every key under `namespace:` (SCAN, not KEYS, as production code should). */
export async function keysIn(client: TestRedisClient, namespace: string): Promise<string[]> {
  const keys: string[] = []
  for await (const batch of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 100 })) {
    keys.push(...batch)
  }
  return keys.sort()
}
