import { describe, expect, it } from 'vitest'
import {
  MAX_TIMER_MS,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from '@tokenguard/core/internal'

const PKG = '@tokenguard/x'

describe('nonNegativeNumber', () => {
  it('returns the fallback for undefined and the value for any finite number ≥ 0', () => {
    expect(nonNegativeNumber(PKG, 'cooldownMs', undefined, 30)).toBe(30)
    expect(nonNegativeNumber(PKG, 'cooldownMs', 0, 30)).toBe(0)
    expect(nonNegativeNumber(PKG, 'cooldownMs', 1.5, 30)).toBe(1.5)
  })

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '5', null])(
    'throws a RangeError naming the package and option for %s',
    (value) => {
      expect(() => nonNegativeNumber(PKG, 'cooldownMs', value, 30)).toThrow(
        new RangeError(`${PKG}: cooldownMs must be a non-negative number`),
      )
    },
  )
})

describe('positiveNumber', () => {
  it('returns the fallback for undefined and the value for a number in (0, max]', () => {
    expect(positiveNumber(PKG, 'timeoutMs', undefined, 5)).toBe(5)
    expect(positiveNumber(PKG, 'timeoutMs', 0.5, 5)).toBe(0.5)
    expect(positiveNumber(PKG, 'timeoutMs', MAX_TIMER_MS, 5, MAX_TIMER_MS)).toBe(MAX_TIMER_MS)
  })

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5'])(
    'throws a RangeError for %s',
    (value) => {
      expect(() => positiveNumber(PKG, 'timeoutMs', value, 5)).toThrow(
        new RangeError(`${PKG}: timeoutMs must be a positive number`),
      )
    },
  )

  it('names the ceiling when one is given and the value is above it', () => {
    expect(() => positiveNumber(PKG, 'timeoutMs', MAX_TIMER_MS + 1, 5, MAX_TIMER_MS)).toThrow(
      new RangeError(`${PKG}: timeoutMs must be a positive number, at most ${MAX_TIMER_MS}`),
    )
  })
})

describe('positiveInteger', () => {
  it('returns the fallback for undefined and the value for an integer ≥ 1', () => {
    expect(positiveInteger(PKG, 'maxKeys', undefined, 64)).toBe(64)
    expect(positiveInteger(PKG, 'maxKeys', 1, 64)).toBe(1)
  })

  it.each([0, 1.5, -3, Number.NaN, 2 ** 60, '8'])('throws a RangeError for %s', (value) => {
    expect(() => positiveInteger(PKG, 'maxKeys', value, 64)).toThrow(
      new RangeError(`${PKG}: maxKeys must be a positive integer`),
    )
  })
})
