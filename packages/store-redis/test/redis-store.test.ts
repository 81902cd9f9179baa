import { sha256Base64url } from '@tokenguard/core/internal'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  connectRedis,
  keysIn,
  testNamespace,
  type TestRedisClient,
} from '@tokenguard/test-support/redis-client'
import { createRedisStore, type RedisStoreOptions } from '../src/index.js'

// Every test runs against the real redis-server of the run (test/support/redis-global-setup.ts),
// in a namespace of its own.

interface Entry {
  readonly active: boolean
  readonly claims?: Record<string, unknown>
}

let client: TestRedisClient

beforeAll(async () => {
  client = await connectRedis()
})

afterAll(() => {
  client.destroy()
})

function store(options: Partial<RedisStoreOptions> = {}) {
  const namespace = options.namespace ?? testNamespace('store')
  return { namespace, store: createRedisStore<Entry>({ client, ...options, namespace }) }
}

describe('createRedisStore', () => {
  it('returns what set stored, as a copy, and nothing after delete', async () => {
    const { store: s } = store()
    const entry = { active: true, claims: { sub: 'alice', scope: 'pets:read', exp: 2e9 } }
    await s.set('key-1', entry, 10_000)
    const read = await s.get('key-1')
    expect(read).toEqual(entry)
    expect(read).not.toBe(entry)
    await s.delete('key-1')
    expect(await s.get('key-1')).toBeUndefined()
  })

  it('returns undefined for a key that was never set', async () => {
    expect(await store().store.get('never-set')).toBeUndefined()
  })

  it('replaces the value and the TTL of a key set twice', async () => {
    const { store: s, namespace } = store()
    await s.set('key', { active: false }, 100)
    await s.set('key', { active: true }, 60_000)
    expect(await s.get('key')).toEqual({ active: true })
    const [key] = await keysIn(client, namespace)
    expect(await client.pTTL(key!)).toBeGreaterThan(50_000)
  })

  it('sets the TTL in the same command as the value, rounded up to whole milliseconds', async () => {
    const { store: s, namespace } = store()
    await s.set('key', { active: true }, 30_000.2)
    const [key] = await keysIn(client, namespace)
    const ttl = await client.pTTL(key!)
    expect(ttl).toBeGreaterThan(29_000)
    expect(ttl).toBeLessThanOrEqual(30_001)
  })

  it('forgets an entry once its TTL has passed', async () => {
    const { store: s } = store()
    await s.set('short', { active: true }, 100)
    expect(await s.get('short')).toEqual({ active: true })
    await new Promise((resolve) => setTimeout(resolve, 150))
    await vi.waitFor(async () => expect(await s.get('short')).toBeUndefined(), {
      timeout: 1_000,
      interval: 20,
    })
  })

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'stores nothing and removes the older value when ttlMs is %s',
    async (ttlMs) => {
      const { store: s, namespace } = store()
      await s.set('key', { active: true }, 60_000)
      await s.set('key', { active: false }, ttlMs)
      expect(await s.get('key')).toBeUndefined()
      expect(await keysIn(client, namespace)).toEqual([])
    },
  )

  it('keeps each key under the namespace and the SHA-256 of the key, never the key itself', async () => {
    const { store: s, namespace } = store()
    const key = 'a-caller-key-that-must-not-appear-in-redis'
    await s.set(key, { active: true, claims: { sub: 'alice' } }, 60_000)
    const keys = await keysIn(client, namespace)
    expect(keys).toEqual([`${namespace}:${sha256Base64url(key)}`])
    expect(keys.join('\n')).not.toContain(key)
    expect(await client.get(keys[0]!)).toBe('{"active":true,"claims":{"sub":"alice"}}')
  })

  it('uses the namespace "tokenguard" by default', async () => {
    const s = createRedisStore<Entry>({ client })
    const key = `default-namespace-${Math.random()}`
    await s.set(key, { active: true }, 5_000)
    expect(await client.exists(`tokenguard:${sha256Base64url(key)}`)).toBe(1)
    await s.delete(key)
  })

  it('keeps two namespaces apart for the same key', async () => {
    const first = store().store
    const second = store().store
    await first.set('shared-key', { active: true }, 60_000)
    await second.set('shared-key', { active: false }, 60_000)
    expect(await first.get('shared-key')).toEqual({ active: true })
    expect(await second.get('shared-key')).toEqual({ active: false })
  })

  it('does not store a value larger than maxValueBytes, and removes the older one', async () => {
    const { store: s, namespace } = store({ maxValueBytes: 64 })
    await s.set('key', { active: true }, 60_000)
    await s.set('key', { active: true, claims: { padding: 'x'.repeat(64) } }, 60_000)
    expect(await s.get('key')).toBeUndefined()
    expect(await keysIn(client, namespace)).toEqual([])
  })

  it('stores a value of exactly maxValueBytes', async () => {
    const text = JSON.stringify({ active: true, claims: { name: 'é' } })
    const { store: s } = store({ maxValueBytes: Buffer.byteLength(text) })
    await s.set('key', { active: true, claims: { name: 'é' } }, 60_000)
    expect(await s.get('key')).toEqual({ active: true, claims: { name: 'é' } })
  })

  it('stores nothing for a value that has no JSON form', async () => {
    const { store: s, namespace } = store()
    const cyclic: Record<string, unknown> = { active: true }
    cyclic.self = cyclic
    await s.set('cyclic', cyclic as unknown as Entry, 60_000)
    await s.set('bigint', { active: true, claims: { n: 1n } }, 60_000)
    expect(await keysIn(client, namespace)).toEqual([])
  })

  it('reads a value that is not JSON, is JSON null, or is too large as absent', async () => {
    const { store: s, namespace } = store({ maxValueBytes: 100 })
    const raw = (key: string): string => `${namespace}:${sha256Base64url(key)}`
    await client.set(raw('corrupt'), '{"active":tru', { expiration: { type: 'PX', value: 60_000 } })
    await client.set(raw('null'), 'null', { expiration: { type: 'PX', value: 60_000 } })
    await client.set(raw('huge'), JSON.stringify({ active: true, pad: 'x'.repeat(200) }))
    expect(await s.get('corrupt')).toBeUndefined()
    expect(await s.get('null')).toBeUndefined()
    expect(await s.get('huge')).toBeUndefined()
  })

  it('keeps "__proto__" in a stored value as plain data', async () => {
    const { store: s, namespace } = store()
    await client.set(
      `${namespace}:${sha256Base64url('polluted')}`,
      '{"active":true,"claims":{"__proto__":{"polluted":true}}}',
    )
    const read = await s.get('polluted')
    expect(Object.prototype.hasOwnProperty.call(read?.claims, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('throws a TypeError at start-up without a usable client', () => {
    const message =
      '@tokenguard/store-redis: client is required: a connected node-redis client (createClient({ url }) from "redis", then await client.connect())'
    expect(() => createRedisStore({} as RedisStoreOptions)).toThrow(new TypeError(message))
    expect(() =>
      createRedisStore({ client: { get: () => Promise.resolve(null) } } as never),
    ).toThrow(new TypeError(message))
  })

  it('throws a TypeError at start-up for a misspelt option, naming the right one', () => {
    expect(() => createRedisStore({ client, timeoutMS: 100 } as RedisStoreOptions)).toThrow(
      new TypeError(
        '@tokenguard/store-redis: unknown option "timeoutMS". Did you mean "timeoutMs"?',
      ),
    )
  })

  it.each(['', 'has space', 'x'.repeat(129), 'tab\there', 'é'])(
    'throws a TypeError at start-up for the namespace %j',
    (namespace) => {
      expect(() => createRedisStore({ client, namespace })).toThrow(
        new TypeError(
          '@tokenguard/store-redis: namespace must be 1 to 128 printable ASCII characters without spaces, e.g. "tokenguard:introspection"',
        ),
      )
    },
  )

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
    'throws a RangeError at start-up for timeoutMs %s',
    (timeoutMs) => {
      expect(() => createRedisStore({ client, timeoutMs })).toThrow(
        new RangeError(
          '@tokenguard/store-redis: timeoutMs must be a positive number, at most 2147483647',
        ),
      )
    },
  )

  it.each([0, 1.5, -1, Number.POSITIVE_INFINITY])(
    'throws a RangeError at start-up for maxValueBytes %s',
    (maxValueBytes) => {
      expect(() => createRedisStore({ client, maxValueBytes })).toThrow(
        new RangeError('@tokenguard/store-redis: maxValueBytes must be a positive integer'),
      )
    },
  )
})
