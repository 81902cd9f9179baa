import { extractBearerToken, OAuthError, type TokenRequest } from '@tokenguard/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyString, b64token, RUNS } from './support.js'

// The header parser (RFC 6750 §2): for any request at all it returns a well-formed token or
// nothing, or throws an OAuthError; never another exception, never a token it was not given.

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const jwtPart = fc.stringMatching(/^[A-Za-z0-9+/_~!*%$-]{1,40}={0,2}$/)

const header = fc.oneof(
  anyString(120),
  fc
    .tuple(fc.mixedCase(fc.constantFrom('bearer', 'dpop', 'basic')), anyString(120))
    .map(([scheme, rest]) => `${scheme} ${rest}`),
  fc
    .tuple(fc.mixedCase(fc.constant('bearer')), fc.stringMatching(/^ {0,3}$/), b64token())
    .map(([scheme, spaces, token]) => `${scheme}${spaces}${token}`),
  fc.nat({ max: 40_000 }).map((length) => `Bearer ${'a'.repeat(length)}`),
)

const request: fc.Arbitrary<TokenRequest> = fc.record(
  {
    method: fc.option(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'get', ''), { nil: undefined }),
    url: fc.option(
      fc.oneof(
        anyString(80),
        fc.tuple(anyString(20), anyString(60)).map(([path, query]) => `/${path}?${query}`),
        b64token().map((token) => `/pets?access_token=${token}&access_token=${token}`),
        anyString(40).map((token) => `/pets?access%5Ftoken=${encodeURIComponent(token)}`),
      ),
      { nil: undefined },
    ),
    headers: fc.record(
      {
        authorization: header,
        'content-type': fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-8',
          'application/json',
          'multipart/form-data',
        ),
      },
      { requiredKeys: [] },
    ),
    rawHeaders: fc.option(
      fc.array(fc.oneof(fc.constantFrom('Authorization', 'authorization', 'Host'), anyString(20)), {
        maxLength: 6,
      }),
      { nil: undefined },
    ),
    body: fc.oneof(
      fc.anything(),
      fc.record({ access_token: fc.oneof(anyString(), fc.array(anyString(20)), fc.anything()) }),
      fc.constant(JSON.parse('{"__proto__":{"access_token":"polluted"}}') as unknown),
    ),
  },
  { requiredKeys: ['headers'] },
)

const options = fc.record(
  {
    allowBodyToken: fc.boolean(),
    allowQueryToken: fc.boolean(),
    maxTokenBytes: fc.integer({ min: 1, max: 20_000 }),
    schemes: fc.subarray(['bearer', 'dpop'] as const, { minLength: 1 }),
  },
  { requiredKeys: [] },
)

describe('extractBearerToken', () => {
  it('[DESIGN-no-5xx-garbage] throws nothing but a 400 or 401 OAuthError for any request and options', () => {
    fc.assert(
      fc.property(request, options, (req, opts) => {
        let found
        try {
          found = extractBearerToken(req, opts)
        } catch (error) {
          expect(error).toBeInstanceOf(OAuthError)
          expect([400, 401]).toContain((error as OAuthError).status)
          return
        }
        if (found === undefined) return
        expect(found.token).toMatch(B64TOKEN)
        expect(found.token.length).toBeLessThanOrEqual(opts.maxTokenBytes ?? 16_384)
        expect(['header', 'body', 'query']).toContain(found.method)
      }),
      RUNS,
    )
  })

  it('[RFC6750-2.1-scheme-case] returns exactly the token of any well-formed Bearer header, whatever the case of the scheme', () => {
    fc.assert(
      fc.property(
        fc.mixedCase(fc.constant('bearer')),
        fc.integer({ min: 1, max: 3 }),
        b64token(),
        (scheme, spaces, token) => {
          const found = extractBearerToken({
            headers: { authorization: `${scheme}${' '.repeat(spaces)}${token}` },
          })
          expect(found).toEqual({ token, method: 'header', scheme: 'bearer' })
        },
      ),
      RUNS,
    )
  })

  it('[RFC6750-3.1-invalid_token] never answers 400 to a JWT-shaped token, padded or in the wrong alphabet: it is a malformed token (401) or goes to the verifier', () => {
    fc.assert(
      fc.property(fc.array(jwtPart, { minLength: 3, maxLength: 5 }), (parts) => {
        const token = parts.join('.')
        let found
        try {
          found = extractBearerToken({ headers: { authorization: `Bearer ${token}` } })
        } catch (error) {
          expect(error).toMatchObject({
            status: 401,
            code: 'invalid_token',
            reason: 'malformed_token',
          })
          return
        }
        expect(found).toEqual({ token, method: 'header', scheme: 'bearer' })
      }),
      RUNS,
    )
  })

  it('never returns a token inherited through the prototype of a body', () => {
    const body = JSON.parse('{"__proto__":{"access_token":"polluted"}}') as unknown
    const found = extractBearerToken(
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
      { allowBodyToken: true },
    )
    expect(found).toBeUndefined()
    expect(({} as Record<string, unknown>).access_token).toBeUndefined()
  })
})
