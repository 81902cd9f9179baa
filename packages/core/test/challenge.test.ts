import { errorLike } from '@tokenguard/test-support/errors'
import { validateHeaderValue } from 'node:http'
import { describe, expect, it } from 'vitest'
import { OAuthError } from '@tokenguard/core'
import {
  formatChallenge,
  formatScopeParam,
  sanitizeChallengeValue,
} from '@tokenguard/core/internal'

// RFC 9110 §11.6.1 with RFC 6750 §3 values: every quoted-string holds only the allowed
// characters, so no value can close its quotes, escape, or split the header.
const WELL_FORMED =
  /^[A-Za-z]+(?: [a-z_]+="[\x20\x21\x23-\x5b\x5d-\x7e]*"(?:, [a-z_]+="[\x20\x21\x23-\x5b\x5d-\x7e]*")*)?$/

// Every code unit up to U+02FF, then a few that matter: line and paragraph separators, a
// BOM, an emoji, and lone surrogates.
const HOSTILE = [
  ...Array.from({ length: 0x300 }, (_, code) => String.fromCharCode(code)),
  '\u2028\u2029\ufeff\u{1f600}\ud800\udfff',
].join('')

describe('formatChallenge', () => {
  it('writes the scheme alone when there is no parameter', () => {
    expect(formatChallenge('Bearer', {})).toBe('Bearer')
    expect(formatChallenge('Bearer', { realm: undefined })).toBe('Bearer')
  })

  it('writes parameters as quoted-strings in the order given, comma-separated', () => {
    expect(formatChallenge('Bearer', { realm: 'api', error: 'invalid_token', scope: 'a b' })).toBe(
      'Bearer realm="api", error="invalid_token", scope="a b"',
    )
  })

  it('replaces a double quote with a single quote so a value cannot close its string', () => {
    expect(formatChallenge('Bearer', { error_description: 'x", error="forged' })).toBe(
      `Bearer error_description="x', error='forged"`,
    )
  })

  it('replaces a backslash, CR, LF and non-ASCII characters by a question mark', () => {
    expect(formatChallenge('Bearer', { realm: 'a\\b\r\nSet-Cookie: x=1\u00e9\u{1f600}' })).toBe(
      'Bearer realm="a?b??Set-Cookie: x=1???"',
    )
  })

  it('keeps every realm and description well formed and a legal header value', () => {
    const header = formatChallenge('Bearer', {
      realm: HOSTILE,
      error: 'invalid_token',
      error_description: HOSTILE,
      scope: HOSTILE,
    })
    expect(header).toMatch(WELL_FORMED)
    expect(() => validateHeaderValue('WWW-Authenticate', header)).not.toThrow()
  })

  it('keeps only whole scope tokens made of NQCHAR in the scope attribute', () => {
    expect(formatChallenge('Bearer', { scope: 'read  wr"ite caf\u00e9 a\\b write:pets' })).toBe(
      'Bearer scope="read write:pets"',
    )
  })

  it('leaves out a scope attribute that holds no valid scope token', () => {
    expect(formatChallenge('Bearer', { realm: 'api', scope: ' "\u00e9 ' })).toBe(
      'Bearer realm="api"',
    )
  })

  it('clips a value to 512 characters', () => {
    const header = formatChallenge('Bearer', { error_description: 'x'.repeat(10_000) })
    expect(header).toBe(`Bearer error_description="${'x'.repeat(512)}"`)
  })

  it('throws a TypeError for a scheme that is not an RFC 9110 token', () => {
    expect(() => formatChallenge('Bearer realm', {})).toThrow(TypeError)
    expect(() => formatChallenge('', {})).toThrow(errorLike(TypeError, /invalid auth scheme/))
  })

  it('throws a TypeError for a parameter name that is not an RFC 9110 token', () => {
    expect(() => formatChallenge('Bearer', { 'a="b", c': 'x' })).toThrow(
      errorLike(TypeError, /invalid challenge parameter name/),
    )
  })
})

describe('sanitizeChallengeValue', () => {
  it('leaves a value made of allowed characters unchanged', () => {
    const allowed = 'The access token expired (exp < now) [see RFC 6750 #3.1]!'
    expect(sanitizeChallengeValue(allowed)).toBe(allowed)
  })

  it('returns only characters RFC 6750 allows in error_description', () => {
    expect(sanitizeChallengeValue(HOSTILE)).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/)
  })
})

describe('formatScopeParam', () => {
  it('joins scope tokens with one space', () => {
    expect(formatScopeParam(['a', 'b', 'read:pets'])).toBe('a b read:pets')
  })

  it('drops a token with any character outside NQCHAR instead of trimming it', () => {
    expect(formatScopeParam(['read', 'wr"ite', 'a\\b', 'caf\u00e9', 'x\ty', ''])).toBe('read')
  })

  it('splits an entry that holds several space-delimited tokens', () => {
    expect(formatScopeParam(['a b', 'c'])).toBe('a b c')
  })
})

describe('OAuthError headers', () => {
  it('stay well formed whatever the description and realm hold', () => {
    const errors = [
      OAuthError.invalidRequest('malformed_header', HOSTILE, { challenge: { realm: HOSTILE } }),
      OAuthError.invalidToken('bad_signature', HOSTILE).withChallenge({ realm: HOSTILE }),
      OAuthError.insufficientScope([HOSTILE, 'ok'], HOSTILE).withChallenge({ realm: HOSTILE }),
      OAuthError.claimCheckFailed(HOSTILE).withChallenge({ realm: HOSTILE }),
      OAuthError.missingCredentials().withChallenge({ realm: HOSTILE }),
    ]
    for (const err of errors) {
      const header = err.headers['WWW-Authenticate']!
      expect(header).toMatch(WELL_FORMED)
      expect(() => validateHeaderValue('WWW-Authenticate', header)).not.toThrow()
    }
  })
})
