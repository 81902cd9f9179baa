import { errorLike } from '@tokenguard/test-support/errors'
import { describe, expect, it } from 'vitest'
import { OAuthError, type AuthContext } from '@tokenguard/core'
import { checkScopes } from '@tokenguard/scopes'
import { authFor, parseClaims } from './support/auth.js'

const DESCRIPTION = 'The access token does not have the scope this resource requires'

function refusal(run: () => void): OAuthError {
  try {
    run()
  } catch (err) {
    if (err instanceof OAuthError) return err
    throw err
  }
  throw new Error('expected an OAuthError')
}

describe('checkScopes', () => {
  const auth = authFor({ scope: 'read:pets write:pets' })

  it('returns when the token has every required scope', () => {
    expect(checkScopes(auth, ['read:pets'])).toBeUndefined()
    expect(checkScopes(auth, ['write:pets', 'read:pets'])).toBeUndefined()
  })

  it('throws 403 insufficient_scope naming every required scope when one is missing', () => {
    const err = refusal(() => checkScopes(auth, ['read:pets', 'admin']))
    expect(err).toMatchObject({
      status: 403,
      code: 'insufficient_scope',
      reason: 'insufficient_scope',
    })
    expect(err.headers['WWW-Authenticate']).toBe(
      `Bearer error="insufficient_scope", error_description="${DESCRIPTION}", scope="read:pets admin"`,
    )
  })

  it("returns in 'any' mode when the token has one of the scopes", () => {
    expect(checkScopes(auth, ['admin', 'write:pets'], 'any')).toBeUndefined()
  })

  it("throws 403 in 'any' mode naming every accepted scope when none is granted", () => {
    const err = refusal(() => checkScopes(auth, ['admin', 'support'], 'any'))
    expect(err.headers['WWW-Authenticate']).toBe(
      `Bearer error="insufficient_scope", error_description="${DESCRIPTION}", scope="admin support"`,
    )
  })

  it('names each scope once when the required list repeats one', () => {
    const err = refusal(() => checkScopes(auth, ['admin', 'admin']))
    expect(err.challengeParams.scope).toBe('admin')
  })

  it('puts the realm first in the challenge when one is given', () => {
    const err = refusal(() => checkScopes(auth, ['admin'], 'all', { realm: 'petstore' }))
    expect(err.headers['WWW-Authenticate']).toBe(
      `Bearer realm="petstore", error="insufficient_scope", error_description="${DESCRIPTION}", scope="admin"`,
    )
  })

  it('throws 401 no_auth_context with a bare challenge when there is no AuthContext', () => {
    for (const missing of [undefined, null, {}, { scopes: 'read:pets', claims: {} }]) {
      const err = refusal(() => checkScopes(missing as AuthContext | undefined, ['read:pets']))
      expect(err).toMatchObject({ status: 401, code: undefined, reason: 'no_auth_context' })
      expect(err.headers['WWW-Authenticate']).toBe('Bearer')
    }
  })

  it('reads scopes from an scp array as well as from scope', () => {
    expect(checkScopes(authFor({ scp: ['read:pets', 'admin'] }), ['admin'])).toBeUndefined()
  })

  it('refuses a token whose scope claim is not a string', () => {
    for (const scope of [42, { 'read:pets': true }, true, null]) {
      expect(refusal(() => checkScopes(authFor({ scope }), ['read:pets'])).status).toBe(403)
    }
  })

  it('ignores scp entries that are not strings', () => {
    const hostile = authFor({ scp: [['admin'], { admin: 1 }, 1, null, 'read:pets'] })
    expect(checkScopes(hostile, ['read:pets'])).toBeUndefined()
    expect(refusal(() => checkScopes(hostile, ['admin'])).status).toBe(403)
  })

  it('never grants a scope that only a __proto__ claim carries', () => {
    const claims = parseClaims(
      '{"scope":"read:pets","__proto__":{"scope":"admin","scp":["admin"]}}',
    )
    expect(refusal(() => checkScopes(authFor(claims), ['admin'])).status).toBe(403)
    expect(({} as Record<string, unknown>).scope).toBeUndefined()
  })

  it('does not match a scope by substring or case', () => {
    const narrow = authFor({ scope: 'read:pets-archive Admin' })
    expect(refusal(() => checkScopes(narrow, ['read:pets'])).status).toBe(403)
    expect(refusal(() => checkScopes(narrow, ['admin'])).status).toBe(403)
  })

  it('throws a TypeError for bad arguments, before looking at auth', () => {
    expect(() => checkScopes(auth, [])).toThrow(
      errorLike(
        TypeError,
        "@tokenguard/scopes: checkScopes needs at least one scope, e.g. checkScopes(auth, ['read:pets', 'write:pets'])",
      ),
    )
    expect(() => checkScopes(auth, 'read:pets' as unknown as string[])).toThrow(TypeError)
    expect(() => checkScopes(auth, ['read pets'])).toThrow(
      errorLike(TypeError, /without whitespace/),
    )
    expect(() => checkScopes(auth, ['read:pets'], 'some' as 'any')).toThrow(
      errorLike(TypeError, "@tokenguard/scopes: mode must be 'all' or 'any', got some"),
    )
    expect(() => checkScopes(auth, ['a'], 'all', { realms: 'x' } as never)).toThrow(
      errorLike(TypeError, '@tokenguard/scopes: unknown option "realms". Did you mean "realm"?'),
    )
  })
})

describe('checkScopes on an AuthContext built by hand', () => {
  it('accepts any object shaped like an AuthContext', () => {
    const auth = { scopes: ['read:pets'], claims: {} } as unknown as AuthContext
    expect(checkScopes(auth, ['read:pets'])).toBeUndefined()
  })
})
