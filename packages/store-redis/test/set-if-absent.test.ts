import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  connectRedis,
  keysIn,
  testNamespace,
  type TestRedisClient,
} from '@tokenguard/test-support/redis-client'
import { createRedisStore } from '../src/index.js'

// The primitive of DPoP replay detection (RFC 9449 §11.1), on the run's real redis-server.

let first: TestRedisClient
let second: TestRedisClient

beforeAll(async () => {
  ;[first, second] = await Promise.all([connectRedis(), connectRedis()])
})

afterAll(() => {
  first.destroy()
  second.destroy()
})

describe('createRedisStore setIfAbsent', () => {
  it('stores and answers true for an absent key, then false while the entry lives', async () => {
    const store = createRedisStore<true>({ client: first, namespace: testNamespace('nx') })
    expect(await store.setIfAbsent('jti-1', true, 60_000)).toBe(true)
    expect(await store.setIfAbsent('jti-1', true, 60_000)).toBe(false)
    expect(await store.get('jti-1')).toBe(true)
  })

  it('leaves the live value and its TTL alone when it answers false', async () => {
    const namespace = testNamespace('nx')
    const store = createRedisStore<{ n: number }>({ client: first, namespace })
    await store.setIfAbsent('key', { n: 1 }, 60_000)
    expect(await store.setIfAbsent('key', { n: 2 }, 1_000)).toBe(false)
    expect(await store.get('key')).toEqual({ n: 1 })
    const [key] = await keysIn(first, namespace)
    expect(await first.pTTL(key!)).toBeGreaterThan(50_000)
  })

  it('writes the record with its TTL in one command', async () => {
    const namespace = testNamespace('nx')
    const store = createRedisStore<true>({ client: first, namespace })
    await store.setIfAbsent('jti', true, 20_000)
    const [key] = await keysIn(first, namespace)
    const ttl = await first.pTTL(key!)
    expect(ttl).toBeGreaterThan(19_000)
    expect(ttl).toBeLessThanOrEqual(20_000)
  })

  it('answers true again once the entry has expired', async () => {
    const store = createRedisStore<true>({ client: first, namespace: testNamespace('nx') })
    expect(await store.setIfAbsent('jti', true, 80)).toBe(true)
    expect(await store.setIfAbsent('jti', true, 80)).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 120))
    await vi.waitFor(async () => expect(await store.setIfAbsent('jti', true, 80)).toBe(true), {
      timeout: 1_000,
      interval: 20,
    })
  })

  it('gives exactly one true to 50 concurrent racers on two clients, key after key', async () => {
    const namespace = testNamespace('race')
    // Two clients are two connections, as two API instances would have.
    const stores = [first, second].map((client) => createRedisStore<true>({ client, namespace }))
    for (let round = 0; round < 10; round++) {
      const jti = `jti-${round}`
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % 2]!.setIfAbsent(jti, true, 60_000)),
      )
      expect(answers.filter((answer) => answer)).toHaveLength(1)
      expect(answers.filter((answer) => !answer)).toHaveLength(49)
    }
    expect(await keysIn(first, namespace)).toHaveLength(10)
  })

  it('rejects a value larger than maxValueBytes instead of forgetting it', async () => {
    const namespace = testNamespace('nx')
    const store = createRedisStore<string>({ client: first, namespace, maxValueBytes: 16 })
    await expect(store.setIfAbsent('jti', 'x'.repeat(32), 60_000)).rejects.toThrow(
      new RangeError(
        '@tokenguard/store-redis: the value is not JSON or is larger than maxValueBytes (16); not stored',
      ),
    )
    expect(await keysIn(first, namespace)).toEqual([])
  })

  it.each([0, -1, Number.NaN])(
    'answers false and stores nothing when ttlMs is %s',
    async (ttlMs) => {
      const namespace = testNamespace('nx')
      const store = createRedisStore<true>({ client: first, namespace })
      expect(await store.setIfAbsent('jti', true, ttlMs)).toBe(false)
      expect(await keysIn(first, namespace)).toEqual([])
    },
  )
})
