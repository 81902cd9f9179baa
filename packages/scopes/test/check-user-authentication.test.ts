import { errorLike } from '@tokenguard/test-support/errors'
import { describe, expect, it } from 'vitest'
import { OAuthError, type AuthContext } from '@tokenguard/core'
import { checkUserAuthentication, type UserAuthenticationOptions } from '@tokenguard/scopes'
import { authFor, parseClaims } from './support/auth.js'

const NOW_SEC = 1_700_000_000
const now = (): number => NOW_SEC * 1000
const ACR = 'A different authentication level is required'
const AGE = 'More recent authentication is required'
const BOTH = 'A different authentication level and more recent authentication are required'
const challenge = (description: string, params: string): string =>
  `Bearer error="insufficient_user_authentication", error_description="${description}", ${params}`

function refusal(
  auth: AuthContext | undefined,
  requirement: UserAuthenticationOptions,
): OAuthError {
  try {
    checkUserAuthentication(auth, { now, ...requirement })
  } catch (err) {
    if (err instanceof OAuthError) return err
    throw err
  }
  throw new Error('expected an OAuthError')
}

const passes = (claims: Record<string, unknown>, requirement: UserAuthenticationOptions) => {
  checkUserAuthentication(authFor(claims), { now, ...requirement })
  return true
}

describe('checkUserAuthentication', () => {
  describe('with acrValues', () => {
    const requirement = { acrValues: ['phrh', 'phr'] }

    it('returns when the acr claim is one of the accepted values', () => {
      expect(passes({ acr: 'phr' }, requirement)).toBe(true)
      expect(passes({ acr: 'phrh' }, requirement)).toBe(true)
    })

    it('throws 401 insufficient_user_authentication with acr_values in order of preference', () => {
      const err = refusal(authFor({ acr: 'pwd' }), requirement)
      expect(err).toMatchObject({
        status: 401,
        code: 'insufficient_user_authentication',
        reason: 'insufficient_user_authentication',
        message: ACR,
      })
      expect(err.headers['WWW-Authenticate']).toBe(challenge(ACR, 'acr_values="phrh phr"'))
    })

    it('refuses a token without acr, or with an acr that is not a string', () => {
      for (const acr of [undefined, ['phr'], 1, null, { phr: true }]) {
        const claims = acr === undefined ? {} : { acr }
        expect(refusal(authFor(claims), requirement).headers['WWW-Authenticate']).toBe(
          challenge(ACR, 'acr_values="phrh phr"'),
        )
      }
    })

    it('does not match an acr by case or substring', () => {
      expect(refusal(authFor({ acr: 'PHR' }), requirement).status).toBe(401)
      expect(refusal(authFor({ acr: 'phrh phr' }), requirement).status).toBe(401)
    })

    it('never reads acr through a __proto__ claim', () => {
      const claims = parseClaims('{"__proto__":{"acr":"phr","auth_time":1700000000}}')
      expect(refusal(authFor(claims), requirement).status).toBe(401)
      expect(refusal(authFor(claims), { maxAgeSec: 60 }).status).toBe(401)
      expect(({} as Record<string, unknown>).acr).toBeUndefined()
    })
  })

  describe('with maxAgeSec', () => {
    it('returns when auth_time is recent enough', () => {
      expect(passes({ auth_time: NOW_SEC - 299 }, { maxAgeSec: 300 })).toBe(true)
      expect(passes({ auth_time: NOW_SEC }, { maxAgeSec: 0 })).toBe(true)
    })

    it('throws 401 with max_age when auth_time is too old', () => {
      const err = refusal(authFor({ auth_time: NOW_SEC - 600 }), { maxAgeSec: 300 })
      expect(err).toMatchObject({ status: 401, code: 'insufficient_user_authentication' })
      expect(err.headers['WWW-Authenticate']).toBe(challenge(AGE, 'max_age="300"'))
    })

    it('allows 5 seconds of clock skew by default, and exactly clockToleranceSec when given', () => {
      expect(passes({ auth_time: NOW_SEC - 305 }, { maxAgeSec: 300 })).toBe(true)
      expect(refusal(authFor({ auth_time: NOW_SEC - 306 }), { maxAgeSec: 300 }).status).toBe(401)
      const strict = { maxAgeSec: 300, clockToleranceSec: 0 }
      expect(passes({ auth_time: NOW_SEC - 300 }, strict)).toBe(true)
      expect(refusal(authFor({ auth_time: NOW_SEC - 301 }), strict).status).toBe(401)
    })

    it('refuses a token without auth_time, or with one that is not a number', () => {
      for (const auth_time of [undefined, String(NOW_SEC), null, Number.NaN, [NOW_SEC]]) {
        const claims = auth_time === undefined ? {} : { auth_time }
        expect(refusal(authFor(claims), { maxAgeSec: 300 }).headers['WWW-Authenticate']).toBe(
          challenge(AGE, 'max_age="300"'),
        )
      }
    })

    it('refuses an auth_time further in the future than the clock tolerance', () => {
      expect(passes({ auth_time: NOW_SEC + 5 }, { maxAgeSec: 300 })).toBe(true)
      expect(refusal(authFor({ auth_time: NOW_SEC + 6 }), { maxAgeSec: 300 }).status).toBe(401)
    })

    it('reads the clock on every check', () => {
      let nowMs = NOW_SEC * 1000
      const requirement = { maxAgeSec: 60, now: () => nowMs }
      const auth = authFor({ auth_time: NOW_SEC })
      expect(() => checkUserAuthentication(auth, requirement)).not.toThrow()
      nowMs += 66_000
      expect(() => checkUserAuthentication(auth, requirement)).toThrow(AGE)
    })

    it('uses Date.now by default', () => {
      const auth = authFor({ auth_time: Math.floor(Date.now() / 1000) })
      expect(() => checkUserAuthentication(auth, { maxAgeSec: 60 })).not.toThrow()
      const old = authFor({ auth_time: Math.floor(Date.now() / 1000) - 3600 })
      expect(() => checkUserAuthentication(old, { maxAgeSec: 60 })).toThrow(AGE)
    })
  })

  describe('with acrValues and maxAgeSec', () => {
    const requirement = { acrValues: ['mfa'], maxAgeSec: 300 }
    const both = 'acr_values="mfa", max_age="300"'

    it('returns when both are satisfied', () => {
      expect(passes({ acr: 'mfa', auth_time: NOW_SEC - 10 }, requirement)).toBe(true)
    })

    it('names the whole requirement and says the acr failed when only the acr fails', () => {
      const err = refusal(authFor({ acr: 'pwd', auth_time: NOW_SEC - 10 }), requirement)
      expect(err.headers['WWW-Authenticate']).toBe(challenge(ACR, both))
    })

    it('names the whole requirement and says the age failed when only auth_time fails', () => {
      const err = refusal(authFor({ acr: 'mfa', auth_time: NOW_SEC - 600 }), requirement)
      expect(err.headers['WWW-Authenticate']).toBe(challenge(AGE, both))
    })

    it('says both failed when both fail, or when the token has neither claim', () => {
      for (const claims of [{ acr: 'pwd', auth_time: NOW_SEC - 600 }, {}]) {
        expect(refusal(authFor(claims), requirement).headers['WWW-Authenticate']).toBe(
          challenge(BOTH, both),
        )
      }
    })

    it('puts the realm first when one is given', () => {
      try {
        checkUserAuthentication(authFor({}), { ...requirement, now }, { realm: 'bank' })
        expect.unreachable()
      } catch (err) {
        expect((err as OAuthError).headers['WWW-Authenticate']).toBe(
          `Bearer realm="bank", error="insufficient_user_authentication", error_description="${BOTH}", ${both}`,
        )
      }
    })
  })

  it('throws 401 no_auth_context with a bare challenge when there is no AuthContext', () => {
    for (const missing of [undefined, {}, { claims: { acr: 'mfa' } }]) {
      const err = refusal(missing as AuthContext | undefined, { acrValues: ['mfa'] })
      expect(err).toMatchObject({ status: 401, code: undefined, reason: 'no_auth_context' })
      expect(err.headers['WWW-Authenticate']).toBe('Bearer')
    }
  })

  it('names each acr value once when the list repeats one', () => {
    const err = refusal(authFor({}), { acrValues: ['mfa', 'hwk', 'mfa'] })
    expect(err.challengeParams.acr_values).toBe('mfa hwk')
  })

  describe('requirement validation', () => {
    const bad = (requirement: unknown) => () =>
      checkUserAuthentication(authFor({}), requirement as UserAuthenticationOptions)
    const prefix = '@tokenguard/scopes: checkUserAuthentication'

    it('needs acrValues, maxAgeSec or both', () => {
      expect(bad({})).toThrow(
        errorLike(
          TypeError,
          `${prefix} needs acrValues, maxAgeSec or both, e.g. checkUserAuthentication({ acrValues: ['mfa'], maxAgeSec: 300 })`,
        ),
      )
      expect(bad(undefined)).toThrow(
        errorLike(TypeError, `${prefix} takes { acrValues, maxAgeSec }`),
      )
      expect(bad(['mfa'])).toThrow(errorLike(TypeError, /^@tokenguard\/scopes: /))
    })

    it('refuses acrValues that are not a non-empty array of single tokens', () => {
      for (const acrValues of ['mfa', [], [''], ['m fa'], ['a"b'], ['caf\u00e9'], [1]]) {
        expect(bad({ acrValues })).toThrow(
          errorLike(
            TypeError,
            `${prefix} acrValues must be a non-empty array of acr values, each without whitespace`,
          ),
        )
      }
    })

    it('refuses a maxAgeSec that is not a whole number of seconds', () => {
      for (const maxAgeSec of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '300']) {
        expect(bad({ maxAgeSec })).toThrow(
          errorLike(TypeError, `${prefix} maxAgeSec must be a whole number of seconds, 0 or more`),
        )
      }
    })

    it('refuses a bad clockToleranceSec or now', () => {
      for (const clockToleranceSec of [-1, Number.POSITIVE_INFINITY, '5']) {
        expect(bad({ maxAgeSec: 1, clockToleranceSec })).toThrow(
          errorLike(
            TypeError,
            `${prefix} clockToleranceSec must be a number of seconds, 0 or more`,
          ),
        )
      }
      expect(bad({ maxAgeSec: 1, now: 1_700_000_000_000 })).toThrow(
        errorLike(
          TypeError,
          `${prefix} now must be a function returning milliseconds, like Date.now`,
        ),
      )
    })

    it('names a typo in the option names', () => {
      expect(bad({ maxAgeSecs: 300 })).toThrow(
        errorLike(
          TypeError,
          '@tokenguard/scopes: unknown option "maxAgeSecs". Did you mean "maxAgeSec"?',
        ),
      )
      expect(bad({ acr_values: ['mfa'] })).toThrow(
        errorLike(TypeError, /Did you mean "acrValues"\?/),
      )
    })
  })
})
