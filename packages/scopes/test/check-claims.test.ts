import { errorLike } from '@tokenguard/test-support/errors'
import { describe, expect, it } from 'vitest'
import { OAuthError, type AuthContext } from '@tokenguard/core'
import { checkClaims, type ClaimRequirement } from '@tokenguard/scopes'
import { authFor, parseClaims } from './support/auth.js'

const passes = (claims: Record<string, unknown>, requirement: ClaimRequirement): boolean => {
  try {
    checkClaims(authFor(claims), requirement)
    return true
  } catch (err) {
    if (err instanceof OAuthError && err.reason === 'claim_check_failed') return false
    throw err
  }
}

describe('checkClaims', () => {
  describe('with equals', () => {
    it('passes when every claim is strictly equal to its value', () => {
      const claims = { tenant: 'acme', email_verified: true, level: 2, deleted: null }
      expect(
        passes(claims, {
          equals: { tenant: 'acme', email_verified: true, level: 2, deleted: null },
        }),
      ).toBe(true)
    })

    it('fails when a claim differs, has another type, or is absent', () => {
      expect(passes({ tenant: 'other' }, { equals: { tenant: 'acme' } })).toBe(false)
      expect(passes({ level: '2' }, { equals: { level: 2 } })).toBe(false)
      expect(passes({ email_verified: 'true' }, { equals: { email_verified: true } })).toBe(false)
      expect(passes({}, { equals: { deleted: null } })).toBe(false)
      expect(passes({ tenant: ['acme'] }, { equals: { tenant: 'acme' } })).toBe(false)
    })
  })

  describe('with includes', () => {
    it('passes when an array claim contains every value', () => {
      expect(passes({ groups: ['ops', 'admin'] }, { includes: { groups: ['admin', 'ops'] } })).toBe(
        true,
      )
    })

    it('passes when a space-delimited claim contains the value', () => {
      expect(passes({ roles: 'reader  admin' }, { includes: { roles: 'admin' } })).toBe(true)
    })

    it('fails when a value is missing, matched only by substring, or only by a non-string', () => {
      expect(passes({ groups: ['ops'] }, { includes: { groups: ['ops', 'admin'] } })).toBe(false)
      expect(passes({ roles: 'administrator' }, { includes: { roles: 'admin' } })).toBe(false)
      expect(
        passes({ groups: [['admin'], { admin: true }] }, { includes: { groups: 'admin' } }),
      ).toBe(false)
      expect(passes({ groups: 7 }, { includes: { groups: 'admin' } })).toBe(false)
      expect(passes({}, { includes: { groups: 'admin' } })).toBe(false)
    })
  })

  it('needs equals and includes to pass together', () => {
    const requirement = { equals: { tenant: 'acme' }, includes: { groups: 'admin' } }
    expect(passes({ tenant: 'acme', groups: ['admin'] }, requirement)).toBe(true)
    expect(passes({ tenant: 'acme', groups: ['ops'] }, requirement)).toBe(false)
    expect(passes({ tenant: 'else', groups: ['admin'] }, requirement)).toBe(false)
  })

  describe('with a predicate', () => {
    it('passes when it returns true and fails when it returns false', () => {
      expect(passes({ email_verified: true }, (claims) => claims.email_verified === true)).toBe(
        true,
      )
      expect(passes({ email_verified: false }, (claims) => claims.email_verified === true)).toBe(
        false,
      )
    })

    it('gives the predicate the claims and the whole AuthContext', () => {
      const auth = authFor({ sub: 'u1', scope: 'a' })
      let seen: [unknown, AuthContext] | undefined
      checkClaims(auth, (claims, context) => {
        seen = [claims, context]
        return true
      })
      expect(seen).toEqual([auth.claims, auth])
    })

    it('throws the error a predicate throws', () => {
      const boom = new Error('bug in predicate')
      expect(() =>
        checkClaims(authFor({}), () => {
          throw boom
        }),
      ).toThrow(boom)
    })

    it('throws a TypeError, not a refusal, when a predicate returns something else than a boolean', () => {
      const truthy = (() => 'yes') as unknown as ClaimRequirement
      expect(() => checkClaims(authFor({}), truthy)).toThrow(
        errorLike(
          TypeError,
          '@tokenguard/scopes: the checkClaims predicate must return true or false, got string',
        ),
      )
      const promise = (() => Promise.resolve(true)) as unknown as ClaimRequirement
      expect(() => checkClaims(authFor({}), promise)).toThrow(errorLike(TypeError, /got a Promise/))
    })

    it('refuses an async predicate up front', () => {
      const asyncPredicate = (async () => Promise.resolve(true)) as unknown as ClaimRequirement
      expect(() => checkClaims(authFor({}), asyncPredicate)).toThrow(
        errorLike(TypeError, /synchronous predicate/),
      )
    })
  })

  it('throws 403 insufficient_scope claim_check_failed with no scope in the challenge', () => {
    try {
      checkClaims(authFor({ tenant: 'x' }), { equals: { tenant: 'acme' } }, { realm: 'api' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(OAuthError)
      expect(err).toMatchObject({
        status: 403,
        code: 'insufficient_scope',
        reason: 'claim_check_failed',
      })
      expect((err as OAuthError).headers['WWW-Authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", ' +
          'error_description="The access token does not satisfy the requirements of this resource"',
      )
    }
  })

  it('throws 401 no_auth_context when there is no AuthContext', () => {
    try {
      checkClaims(undefined, { equals: { tenant: 'acme' } })
      expect.unreachable()
    } catch (err) {
      expect(err).toMatchObject({ status: 401, reason: 'no_auth_context' })
    }
  })

  describe('on hostile claims', () => {
    it('never reads a claim through the prototype', () => {
      expect(passes({}, { includes: { constructor: 'Object' } })).toBe(false)
      expect(passes({}, { includes: { toString: 'x' } })).toBe(false)
      expect(passes({}, (claims) => Object.hasOwn(claims, 'toString'))).toBe(false)
    })

    it('ignores what a __proto__ claim carries and pollutes nothing', () => {
      const claims = parseClaims('{"__proto__":{"tenant":"acme","groups":["admin"]}}')
      expect(passes(claims, { equals: { tenant: 'acme' } })).toBe(false)
      expect(passes(claims, { includes: { groups: 'admin' } })).toBe(false)
      expect(({} as Record<string, unknown>).tenant).toBeUndefined()
    })

    it('matches a claim literally named __proto__ only as an own claim', () => {
      const claims = parseClaims('{"__proto__":"x"}')
      const equals = parseClaims('{"__proto__":"x"}') as Record<string, string>
      expect(passes(claims, { equals })).toBe(true)
      expect(passes({}, { equals })).toBe(false)
    })
  })

  describe('requirement validation', () => {
    const bad = (requirement: unknown) => () =>
      checkClaims(authFor({}), requirement as ClaimRequirement)

    it('throws a TypeError prefixed @tokenguard/scopes for a requirement that is not usable', () => {
      expect(bad(undefined)).toThrow(
        errorLike(TypeError, /^@tokenguard\/scopes: checkClaims takes \{ equals, includes \}/),
      )
      expect(bad('tenant')).toThrow(TypeError)
      expect(bad(['tenant'])).toThrow(TypeError)
      expect(bad({})).toThrow(
        errorLike(TypeError, '@tokenguard/scopes: checkClaims needs at least one claim to check'),
      )
      expect(bad({ equals: {} })).toThrow(errorLike(TypeError, /at least one claim/))
    })

    it('names a typo in the requirement keys', () => {
      expect(bad({ equal: { tenant: 'acme' } })).toThrow(
        errorLike(TypeError, '@tokenguard/scopes: unknown option "equal". Did you mean "equals"?'),
      )
    })

    it('refuses equals values that === cannot compare meaningfully', () => {
      for (const value of [{ a: 1 }, ['a'], Number.NaN, undefined, () => true]) {
        expect(bad({ equals: { tenant: value } })).toThrow(
          errorLike(TypeError, /equals\.tenant must be a string/),
        )
      }
    })

    it('refuses includes values that are not non-empty strings', () => {
      for (const value of ['', [], [''], [1], { a: 'b' }, null]) {
        expect(bad({ includes: { groups: value } })).toThrow(
          errorLike(TypeError, /includes\.groups must be/),
        )
      }
    })

    it('refuses equals or includes that is not an object', () => {
      expect(bad({ equals: 'tenant' })).toThrow(
        errorLike(TypeError, /equals must be an object of claim names/),
      )
      expect(bad({ includes: ['admin'] })).toThrow(
        errorLike(TypeError, /includes must be an object of claim names/),
      )
    })
  })
})
