import { errorLike } from '@tokenguard/test-support/errors'
import { describe, expect, it } from 'vitest'
import { checkOptionNames, optionNames } from '@tokenguard/core/internal'

describe('checkOptionNames', () => {
  const known = ['issuer', 'audience', 'clockToleranceSec'] as const

  it('returns when every option name is known', () => {
    expect(checkOptionNames('@tokenguard/x', { issuer: 'i', audience: 'a' }, known)).toBeUndefined()
    expect(checkOptionNames('@tokenguard/x', {}, known)).toBeUndefined()
  })

  it('throws a TypeError naming a typo and suggesting the closest known name', () => {
    expect(() => checkOptionNames('@tokenguard/x', { audiance: 'a' }, known)).toThrow(
      errorLike(TypeError, '@tokenguard/x: unknown option "audiance". Did you mean "audience"?'),
    )
  })

  it('throws without a suggestion when no known name is close', () => {
    expect(() => checkOptionNames('@tokenguard/x', { colour: 'red' }, known)).toThrow(
      errorLike(TypeError, '@tokenguard/x: unknown option "colour".'),
    )
  })

  it('clips a very long unknown name in the message', () => {
    expect(() => checkOptionNames('@tokenguard/x', { ['y'.repeat(10_000)]: 1 }, known)).toThrow(
      errorLike(TypeError, `@tokenguard/x: unknown option "${'y'.repeat(64)}".`),
    )
  })

  it('refuses options that are not an object', () => {
    const notObjects: unknown[] = [null, 'issuer', 42]
    for (const options of notObjects) {
      expect(() => checkOptionNames('@tokenguard/x', options as object, known)).toThrow(
        errorLike(TypeError, '@tokenguard/x: options must be an object'),
      )
    }
  })

  it('sees an own __proto__ key as an unknown option', () => {
    const options = JSON.parse('{"__proto__":{"issuer":"x"}}') as object
    expect(() => checkOptionNames('@tokenguard/x', options, known)).toThrow(
      errorLike(TypeError, /unknown option "__proto__"/),
    )
  })
})

describe('optionNames', () => {
  interface Options {
    issuer?: string
    audience?: string
    now?: () => number
  }

  it('returns the names of a list that covers the interface, frozen', () => {
    const names = optionNames<Options>()(['issuer', 'audience', 'now'])
    expect(names).toEqual(['issuer', 'audience', 'now'])
    expect(Object.isFrozen(names)).toBe(true)
  })

  it('fails the build when the list misses an option or names one the interface lacks', () => {
    // Each line below is a type error; `tsc -p tsconfig.check.json` fails if one is not.
    // @ts-expect-error `now` is missing from the list
    optionNames<Options>()(['issuer', 'audience'])
    // @ts-expect-error `audiance` is not an option
    optionNames<Options>()(['issuer', 'audience', 'now', 'audiance'])
    expect(true).toBe(true)
  })
})
