import { OAuthError } from '@tokenguard/core'
import { checkTokenClaims, type TokenClaimRules } from '@tokenguard/core/internal'
import { describe, expect, it } from 'vitest'

const NOW_MS = 1_800_000_000_000
const NOW = NOW_MS / 1000
const RULES: TokenClaimRules = {
  audiences: new Set(['https://api.test']),
  acceptMissingAudience: false,
  requireExpiry: true,
  requiredClaims: [],
  maxTokenAgeSec: undefined,
  toleranceSec: 5,
}
const GOOD = { aud: 'https://api.test', exp: NOW + 60, iat: NOW - 10, sub: 'user-1' }

function outcome(claims: Record<string, unknown>, rules: Partial<TokenClaimRules> = {}): string {
  try {
    return String(checkTokenClaims(claims, { ...RULES, ...rules }, NOW_MS))
  } catch (error) {
    if (error instanceof OAuthError) return `${error.status} ${error.code} ${error.reason}`
    throw error
  }
}

describe('checkTokenClaims', () => {
  it('returns exp plus the tolerance, in ms, for good claims', () => {
    expect(outcome(GOOD)).toBe(String((NOW + 65) * 1000))
  })

  it('returns the sooner of exp and iat + maxTokenAgeSec', () => {
    expect(outcome(GOOD, { maxTokenAgeSec: 30 })).toBe(String((NOW - 10 + 30 + 5) * 1000))
  })

  it('returns Infinity without exp when expiry is not required', () => {
    expect(outcome({ aud: 'https://api.test' }, { requireExpiry: false })).toBe('Infinity')
  })

  it.each<[string, Record<string, unknown>, Partial<TokenClaimRules>, string]>([
    ['no exp where one is required', { aud: 'https://api.test' }, {}, 'missing_claim'],
    ['exp past the tolerance', { ...GOOD, exp: NOW - 5 }, {}, 'token_expired'],
    ['nbf beyond the tolerance', { ...GOOD, nbf: NOW + 6 }, {}, 'token_not_yet_valid'],
    ['iat beyond the tolerance', { ...GOOD, iat: NOW + 6 }, {}, 'iat_in_future'],
    ['a string exp', { ...GOOD, exp: String(NOW + 60) }, {}, 'malformed_token'],
    ['a NaN-like nbf', { ...GOOD, nbf: null }, {}, 'malformed_token'],
    ['no aud', { exp: NOW + 60 }, {}, 'audience_missing'],
    ['an empty aud array', { ...GOOD, aud: [] }, {}, 'audience_missing'],
    ['another aud', { ...GOOD, aud: 'https://other.test' }, {}, 'wrong_audience'],
    ['a numeric aud', { ...GOOD, aud: 7 }, {}, 'wrong_audience'],
    ['an aud array of non-strings', { ...GOOD, aud: [7, null] }, {}, 'wrong_audience'],
    ['a missing required claim', GOOD, { requiredClaims: ['tenant'] }, 'missing_claim'],
    ['a numeric sub', { ...GOOD, sub: 42 }, {}, 'malformed_token'],
    ['an array scope', { ...GOOD, scope: ['a'] }, {}, 'malformed_token'],
    [
      'a token older than maxTokenAgeSec',
      { ...GOOD, iat: NOW - 100 },
      { maxTokenAgeSec: 60 },
      'token_too_old',
    ],
    [
      'no iat with maxTokenAgeSec',
      { aud: 'https://api.test', exp: NOW + 60 },
      { maxTokenAgeSec: 60 },
      'missing_claim',
    ],
  ])('refuses %s with 401 invalid_token %s', (_case, claims, rules, reason) => {
    expect(outcome(claims, rules)).toBe(`401 invalid_token ${reason}`)
  })

  it('accepts no aud only with acceptMissingAudience, and still refuses a foreign one', () => {
    expect(outcome({ exp: NOW + 60 }, { acceptMissingAudience: true })).toBe(
      String((NOW + 65) * 1000),
    )
    expect(outcome({ ...GOOD, aud: 'https://other.test' }, { acceptMissingAudience: true })).toBe(
      '401 invalid_token wrong_audience',
    )
  })

  it('accepts an aud array that names the API among others', () => {
    expect(outcome({ ...GOOD, aud: ['https://other.test', 'https://api.test'] })).toBe(
      String((NOW + 65) * 1000),
    )
  })

  it('ignores inherited properties (a polluted prototype adds no claim)', () => {
    const claims = Object.create({ tenant: 'acme', aud: 'https://api.test' }) as Record<
      string,
      unknown
    >
    claims.exp = NOW + 60
    claims.aud = 'https://api.test'
    expect(outcome(claims, { requiredClaims: ['tenant'] })).toBe('401 invalid_token missing_claim')
  })

  it('throws a fresh error each time, so a handler may annotate it', () => {
    const first = (() => {
      try {
        checkTokenClaims({ exp: NOW - 60 }, RULES, NOW_MS)
      } catch (error) {
        return error
      }
    })()
    const second = (() => {
      try {
        checkTokenClaims({ exp: NOW - 60 }, RULES, NOW_MS)
      } catch (error) {
        return error
      }
    })()
    expect(first).toBeInstanceOf(OAuthError)
    expect(first).not.toBe(second)
    expect(Object.isFrozen(first)).toBe(false)
  })
})
