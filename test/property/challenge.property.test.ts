import { OAuthError } from '@tokenguard/core'
import {
  formatChallenge,
  formatScopeParam,
  sanitizeChallengeValue,
  type ChallengeParams,
} from '@tokenguard/core/internal'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { paramOf, parseChallenges } from '../conformance/support/challenge-parser.js'
import { anyString, rfc9110Token, RUNS } from './support.js'

// The challenge formatter: whatever it is given, its output is one RFC 9110 §11.6.1
// challenge that a strict parser reads back with the same scheme and parameters, and
// whose error fields stay within the RFC 6750 §3 character set.

const RFC6750_CHARSET = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

const params = fc.dictionary(
  fc.oneof(
    fc.constantFrom('realm', 'error', 'error_description', 'scope'),
    fc.mixedCase(fc.constantFrom('realm', 'error', 'scope')),
    rfc9110Token(),
  ),
  fc.option(anyString(), { nil: undefined }),
  { maxKeys: 6 },
)

/** What the formatter is expected to write for `given`, in order. */
function expected(given: ChallengeParams): [string, string][] {
  const entries: [string, string][] = []
  const names = new Set<string>()
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue
    // RFC 9110 §11.2: a name compares case-insensitively and is written once; the first wins.
    if (names.has(name.toLowerCase())) continue
    const written = name === 'scope' ? formatScopeParam([value]) : sanitizeChallengeValue(value)
    if (name === 'scope' && written === '') continue
    names.add(name.toLowerCase())
    entries.push([name, written])
  }
  return entries
}

describe('formatChallenge', () => {
  it('[RFC9110-11.6.1-syntax] writes, for any parameters, one challenge that parses back with the same scheme and values', () => {
    fc.assert(
      fc.property(rfc9110Token(), params, (scheme, given) => {
        const header = formatChallenge(scheme, given)
        const challenges = parseChallenges(header)
        expect(challenges).toHaveLength(1)
        expect(challenges[0]?.scheme).toBe(scheme)
        expect(challenges[0]?.params).toEqual(expected(given))
      }),
      RUNS,
    )
  })

  it('[RFC6750-3-charset] keeps every value within %x20-21 / %x23-5B / %x5D-7E, whatever it is given', () => {
    fc.assert(
      fc.property(params, (given) => {
        for (const [, value] of parseChallenges(formatChallenge('Bearer', given))[0]!.params) {
          expect(value).toMatch(RFC6750_CHARSET)
        }
      }),
      RUNS,
    )
  })

  it('[RFC9110-11.2-unique-params] never writes a parameter name twice in one challenge, compared case-insensitively', () => {
    fc.assert(
      fc.property(params, (given) => {
        const names = parseChallenges(formatChallenge('Bearer', given))[0]!.params.map(([name]) =>
          name.toLowerCase(),
        )
        expect(new Set(names).size).toBe(names.length)
      }),
      RUNS,
    )
  })
})

describe('OAuthError headers', () => {
  it('[RFC9110-11.6.1-syntax] parse back as one Bearer challenge for any description, realm and scopes', () => {
    fc.assert(
      fc.property(
        anyString(),
        fc.option(anyString(40), { nil: undefined }),
        fc.array(anyString(20), { maxLength: 4 }),
        fc.constantFrom('invalidToken', 'invalidRequest', 'insufficientScope', 'missing'),
        (description, realm, scopes, kind) => {
          const base =
            kind === 'invalidToken'
              ? OAuthError.invalidToken('bad_signature', description)
              : kind === 'invalidRequest'
                ? OAuthError.invalidRequest('malformed_token', description)
                : kind === 'insufficientScope'
                  ? OAuthError.insufficientScope(scopes, description)
                  : OAuthError.missingCredentials()
          const error = base.withChallenge({ realm })
          const [challenge, ...rest] = parseChallenges(error.headers['WWW-Authenticate']!)
          expect(rest).toHaveLength(0)
          expect(challenge?.scheme).toBe('Bearer')
          if (realm !== undefined)
            expect(paramOf(challenge!, 'realm')).toBe(sanitizeChallengeValue(realm))
          for (const [, value] of challenge!.params) expect(value).toMatch(RFC6750_CHARSET)
          if (kind === 'missing') expect(paramOf(challenge!, 'error')).toBeUndefined()
          else
            expect(paramOf(challenge!, 'error_description')).toBe(
              sanitizeChallengeValue(description),
            )
        },
      ),
      RUNS,
    )
  })
})

describe('the RFC 9110 challenge parser of the tests', () => {
  it('reads token68 challenges, several challenges, and escaped quoted-strings', () => {
    expect(
      parseChallenges('Basic YWxhZGRpbjpvcGVuc2VzYW1l, Bearer realm="a\\"b", error=invalid_token'),
    ).toEqual([
      { scheme: 'Basic', token68: 'YWxhZGRpbjpvcGVuc2VzYW1l', params: [] },
      {
        scheme: 'Bearer',
        params: [
          ['realm', 'a"b'],
          ['error', 'invalid_token'],
        ],
      },
    ])
    expect(
      parseChallenges(
        'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
      ),
    ).toEqual([
      {
        scheme: 'Newauth',
        params: [
          ['realm', 'apps'],
          ['type', '1'],
          ['title', 'Login to "apps"'],
        ],
      },
      { scheme: 'Basic', params: [['realm', 'simple']] },
    ])
  })

  it('refuses what RFC 9110 does not allow, and reads "realm=" alone as a token68', () => {
    expect(parseChallenges('Bearer realm=')).toEqual([
      { scheme: 'Bearer', token68: 'realm=', params: [] },
    ])
    for (const bad of [
      '',
      'Bearer realm="x',
      'Bearer realm="a"b"',
      '"Bearer"',
      'Bearer realm="\u0001"',
    ]) {
      expect(() => parseChallenges(bad), JSON.stringify(bad)).toThrow(SyntaxError)
    }
  })
})
