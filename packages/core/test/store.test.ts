import { errorLike } from '@tokenguard/test-support/errors'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '@tokenguard/core'

function clock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let time = start
  return {
    now: () => time,
    advance: (ms) => {
      time += ms
    },
  }
}

describe('createMemoryStore', () => {
  it('returns what was set, and undefined for an unknown key', async () => {
    const store = createMemoryStore<{ active: boolean }>()
    await store.set('k', { active: true }, 60_000)
    expect(await store.get('k')).toEqual({ active: true })
    expect(await store.get('other')).toBeUndefined()
  })

  it('forgets an entry once its TTL has passed on the injected clock', async () => {
    const time = clock()
    const store = createMemoryStore<string>({ now: time.now })
    await store.set('k', 'v', 1_000)
    time.advance(1_000)
    expect(await store.get('k')).toBe('v')
    time.advance(1)
    expect(await store.get('k')).toBeUndefined()
  })

  it('expires each entry on its own TTL', async () => {
    const time = clock(5_000)
    const store = createMemoryStore<string>({ now: time.now })
    await store.set('short', 'a', 100)
    await store.set('long', 'b', 10_000)
    time.advance(500)
    expect(await store.get('short')).toBeUndefined()
    expect(await store.get('long')).toBe('b')
  })

  it('stores nothing, and drops an older value, when the TTL is not a positive finite number', async () => {
    const store = createMemoryStore<string>()
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await store.set('k', 'old', 60_000)
      await store.set('k', 'new', ttl)
      expect(await store.get('k')).toBeUndefined()
    }
  })

  it('removes an entry on delete', async () => {
    const store = createMemoryStore<string>()
    await store.set('k', 'v', 60_000)
    await store.delete('k')
    expect(await store.get('k')).toBeUndefined()
  })

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const store = createMemoryStore<string>({ maxEntries: 2 })
    await store.set('a', '1', 60_000)
    await store.set('b', '2', 60_000)
    await store.get('a')
    await store.set('c', '3', 60_000)
    expect(await store.get('a')).toBe('1')
    expect(await store.get('b')).toBeUndefined()
    expect(await store.get('c')).toBe('3')
  })

  it('evicts the least recently used entries to stay within maxBytes', async () => {
    const store = createMemoryStore<string>({ maxBytes: 10, sizeOf: (value) => value.length })
    await store.set('a', 'xxxx', 60_000)
    await store.set('b', 'yyyy', 60_000)
    await store.set('c', 'zzzz', 60_000)
    expect(await store.get('a')).toBeUndefined()
    expect(await store.get('b')).toBe('yyyy')
    expect(await store.get('c')).toBe('zzzz')
  })

  it('does not keep an entry larger than maxBytes', async () => {
    const store = createMemoryStore<string>({ maxBytes: 10, sizeOf: (value) => value.length })
    await store.set('big', 'x'.repeat(11), 60_000)
    expect(await store.get('big')).toBeUndefined()
  })

  it('accepts fractional and zero sizes, and treats a size that is not a number as too large', async () => {
    const store = createMemoryStore<number>({ maxBytes: 10, sizeOf: (value) => value })
    await store.set('fraction', 2.5, 60_000)
    await store.set('zero', 0, 60_000)
    await store.set('nan', Number.NaN, 60_000)
    expect(await store.get('fraction')).toBe(2.5)
    expect(await store.get('zero')).toBe(0)
    expect(await store.get('nan')).toBeUndefined()
  })

  it('keeps values by reference', async () => {
    const value = { n: 1 }
    const store = createMemoryStore<{ n: number }>()
    await store.set('k', value, 60_000)
    expect(await store.get('k')).toBe(value)
  })

  it('throws a RangeError at creation for a bad maxEntries or maxBytes', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(
      errorLike(RangeError, '@tokenguard/core: maxEntries must be a positive integer'),
    )
    expect(() => createMemoryStore({ maxEntries: 1.5 })).toThrow(RangeError)
    expect(() => createMemoryStore<string>({ maxBytes: -1, sizeOf: () => 1 })).toThrow(
      errorLike(RangeError, '@tokenguard/core: maxBytes must be a positive integer'),
    )
  })

  it('throws a TypeError at creation for maxBytes without sizeOf', () => {
    expect(() => createMemoryStore({ maxBytes: 1_000 })).toThrow(
      errorLike(TypeError, '@tokenguard/core: maxBytes needs a sizeOf function'),
    )
  })
})
