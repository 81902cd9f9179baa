import { createRedactor } from '@tokenguard/redact'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyString, RUNS } from './support.js'

// The redactor (@tokenguard/redact): for any value it returns without throwing, leaves its
// input as it was, and removes any bearer token or JWT planted in it.

const redactor = createRedactor()

/** A token that looks like a credential: a digit first (never prose), 16 or more characters. */
const credential = fc
  .tuple(fc.integer({ min: 0, max: 9 }), fc.stringMatching(/^[A-Za-z0-9\-._~+/]{15,60}$/))
  .map(([digit, rest]) => `${digit}${rest}`)

const jwt = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{4,40}$/),
    fc.stringMatching(/^[A-Za-z0-9_-]{4,80}$/),
    fc.stringMatching(/^[A-Za-z0-9_-]{4,80}$/),
  )
  .map(([header, payload, signature]) => `eyJ${header}.${payload}.${signature}`)

/** Some text, a secret planted in it, and more text: the secret is what must go. */
const planted = fc.oneof(
  fc
    .tuple(
      anyString(60),
      fc.mixedCase(fc.constantFrom('bearer', 'dpop')),
      credential,
      anyString(60),
    )
    .map(([before, scheme, secret, after]) => ({
      text: `${before} ${scheme} ${secret} ${after}`,
      secret,
    })),
  fc.tuple(anyString(60), jwt, anyString(60)).map(([before, secret, after]) => ({
    text: `${before} ${secret} ${after}`,
    secret,
  })),
  fc.tuple(anyString(40), credential).map(([before, secret]) => ({
    text: `${before} https://api.test/cb?access_token=${secret}&x=1`,
    secret,
  })),
)

describe('createRedactor', () => {
  it('redact never throws and never changes its input, for any value', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withTypedArray: true,
          withDate: true,
          withBoxedValues: true,
          maxDepth: 4,
        }),
        (value) => {
          const before = fc.stringify(value)
          redactor.redact(value)
          expect(fc.stringify(value)).toBe(before)
        },
      ),
      RUNS,
    )
  })

  it('redactString never throws and removes a bearer token, a JWT or an access_token parameter planted in any text', () => {
    fc.assert(
      fc.property(planted, ({ text, secret }) => {
        expect(redactor.redactString(text)).not.toContain(secret)
      }),
      RUNS,
    )
  })

  it('redact removes a planted secret from string values at any depth, under any ordinary key', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 5 }),
        planted,
        (keys, { text, secret }) => {
          const value = keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), text)
          expect(JSON.stringify(redactor.redact(value))).not.toContain(secret)
        },
      ),
      RUNS,
    )
  })
})
