import { createIntrospector, type CachedIntrospection } from '@tokenguard/introspect'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  connectRedis,
  testNamespace,
  type TestRedisClient,
} from '@tokenguard/test-support/redis-client'
import { startRedisServer, type RedisServer } from '@tokenguard/test-support/redis-server'
import { createRedisStore } from '../src/index.js'

// Outages need a Redis of their own: these tests pause or stop a throwaway redis-server,
// never the one the rest of the run shares.

type Entry = { active: boolean }
type Call = (store: ReturnType<typeof createRedisStore<Entry>>) => Promise<unknown>

const CALLS: readonly (readonly [string, Call])[] = [
  ['GET', (store) => store.get('key')],
  ['SET', (store) => store.set('key', { active: true }, 60_000)],
  ['DEL', (store) => store.delete('key')],
  ['SET NX', (store) => store.setIfAbsent('key', { active: true }, 60_000)],
]

let issuer: TestIssuer
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer()
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

function introspector(store: ReturnType<typeof createRedisStore<CachedIntrospection>>) {
  return createIntrospector({
    issuer: issuer.issuer,
    audience: issuer.audience,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: DEFAULT_TEST_CLIENT.client_id,
      clientSecret: DEFAULT_TEST_CLIENT.client_secret,
    },
    store,
  })
}

async function settle(promise: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now()
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  return { error, elapsedMs: performance.now() - started }
}

describe('createRedisStore when Redis does not answer', () => {
  let server: RedisServer
  let admin: TestRedisClient
  let client: TestRedisClient

  beforeAll(async () => {
    server = await startRedisServer()
    ;[admin, client] = await Promise.all([
      connectRedis({ url: server.url }),
      connectRedis({ url: server.url }),
    ])
  })

  afterAll(async () => {
    admin.destroy()
    client.destroy()
    await server.stop()
  })

  /** Holds every command of every client for `ms` (CLIENT PAUSE ... ALL), then waits it out. */
  async function whilePaused(ms: number, run: () => Promise<void>): Promise<void> {
    await admin.sendCommand(['CLIENT', 'PAUSE', String(ms), 'ALL'])
    await run()
    await admin.ping()
  }

  it.each(CALLS)(
    'rejects %s within timeoutMs, naming the command and no key',
    async (command, call) => {
      const store = createRedisStore<Entry>({
        client,
        namespace: testNamespace('slow'),
        timeoutMs: 100,
      })
      await whilePaused(500, async () => {
        const { error, elapsedMs } = await settle(call(store))
        expect(error).toEqual(
          new Error(`@tokenguard/store-redis: Redis did not answer ${command} within 100 ms`),
        )
        expect(elapsedMs).toBeGreaterThanOrEqual(90)
        expect(elapsedMs).toBeLessThan(400)
      })
    },
  )

  it('lets the introspector ask the endpoint after timeoutMs instead of waiting for Redis', async () => {
    const store = createRedisStore<CachedIntrospection>({
      client,
      namespace: testNamespace('slow-introspection'),
      timeoutMs: 100,
    })
    const tokens = introspector(store)
    const token = issuer.issueOpaque({ scope: 'pets:read', sub: 'alice' })
    running.resetRequests()
    await whilePaused(1_500, async () => {
      const started = performance.now()
      const auth = await tokens.introspect(token)
      expect(auth.subject).toBe('alice')
      expect(performance.now() - started).toBeLessThan(1_000)
      expect(running.requests('/introspect')).toBe(1)
    })
  })
})

describe('createRedisStore when Redis is down', () => {
  let server: RedisServer
  let restarted: RedisServer | undefined
  let client: TestRedisClient
  let queueing: TestRedisClient

  beforeAll(async () => {
    server = await startRedisServer()
    ;[client, queueing] = await Promise.all([
      connectRedis({ url: server.url }),
      connectRedis({ url: server.url, disableOfflineQueue: false }),
    ])
    await server.stop()
    await vi.waitFor(() => expect([client.isReady, queueing.isReady]).toEqual([false, false]))
  })

  afterAll(async () => {
    client.destroy()
    queueing.destroy()
    await restarted?.stop()
  })

  it.each(CALLS)(
    'rejects %s at once when the client keeps no offline queue',
    async (command, call) => {
      const store = createRedisStore<Entry>({ client, namespace: testNamespace('down') })
      const { error, elapsedMs } = await settle(call(store))
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toBe(`@tokenguard/store-redis: Redis ${command} failed`)
      expect((error as Error).cause).toBeInstanceOf(Error)
      expect(elapsedMs).toBeLessThan(100)
    },
  )

  it.each(CALLS)(
    'rejects %s within timeoutMs when the client queues commands while offline',
    async (command, call) => {
      const store = createRedisStore<Entry>({
        client: queueing,
        namespace: testNamespace('down'),
        timeoutMs: 100,
      })
      const { error, elapsedMs } = await settle(call(store))
      expect(error).toEqual(
        new Error(`@tokenguard/store-redis: Redis did not answer ${command} within 100 ms`),
      )
      expect(elapsedMs).toBeLessThan(400)
    },
  )

  it('lets the introspector ask the endpoint on every request, reporting store errors', async () => {
    const store = createRedisStore<CachedIntrospection>({
      client,
      namespace: testNamespace('down-introspection'),
    })
    const tokens = introspector(store)
    const storeErrors: unknown[] = []
    tokens.on('store_error', ({ error }) => storeErrors.push(error))
    const token = issuer.issueOpaque({ scope: 'pets:read', sub: 'alice' })
    running.resetRequests()
    expect((await tokens.introspect(token)).subject).toBe('alice')
    expect((await tokens.introspect(token)).subject).toBe('alice')
    expect(running.requests('/introspect')).toBe(2)
    await vi.waitFor(() => expect(storeErrors.length).toBeGreaterThanOrEqual(4))
    expect(String(storeErrors.map((error) => (error as Error).message))).not.toContain(token)
  })

  it.each(CALLS)('rejects %s when the client was closed', async (command, call) => {
    const closed = await connectRedis()
    closed.destroy()
    const store = createRedisStore<Entry>({ client: closed, namespace: testNamespace('closed') })
    const { error } = await settle(call(store))
    expect((error as Error).message).toBe(`@tokenguard/store-redis: Redis ${command} failed`)
  })

  it('works again once Redis is back', async () => {
    restarted = await startRedisServer({ port: server.port })
    await vi.waitFor(() => expect(client.isReady).toBe(true), { timeout: 5_000, interval: 50 })
    const store = createRedisStore<Entry>({ client, namespace: testNamespace('back') })
    expect(await store.setIfAbsent('jti', { active: true }, 60_000)).toBe(true)
    expect(await store.setIfAbsent('jti', { active: true }, 60_000)).toBe(false)
  })
})
