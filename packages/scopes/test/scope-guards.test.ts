import { errorLike } from '@tokenguard/test-support/errors'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it, vi } from 'vitest'
import { OAuthError, type AuthContext, type Middleware } from '@tokenguard/core'
import {
  createScopeGuards,
  requireAnyScope,
  requireClaims,
  requireScopes,
} from '@tokenguard/scopes'
import { authFor } from './support/auth.js'

/** Runs a guard on a bare request; `res` throws on any use, so a guard that ends it fails. */
function run(guard: Middleware, auth?: AuthContext): ReturnType<typeof vi.fn> {
  const req = (auth === undefined ? {} : { auth }) as unknown as IncomingMessage
  const res = new Proxy({} as ServerResponse, {
    get(_target, property) {
      throw new Error(`the guard touched res.${String(property)}`)
    },
  })
  const next = vi.fn()
  guard(req, res, next)
  return next
}

describe('requireScopes', () => {
  const auth = authFor({ scope: 'read:pets write:pets' })

  it('calls next() with nothing when the token has every scope', () => {
    const next = run(requireScopes('read:pets', 'write:pets'), auth)
    expect(next).toHaveBeenCalledTimes(1)
    expect(next).toHaveBeenCalledWith()
  })

  it('calls next with 403 insufficient_scope naming all required scopes when one is missing', () => {
    const next = run(requireScopes('read:pets', 'admin'), auth)
    expect(next).toHaveBeenCalledTimes(1)
    const err = next.mock.calls[0]![0] as OAuthError
    expect(err).toBeInstanceOf(OAuthError)
    expect(err).toMatchObject({ status: 403, code: 'insufficient_scope' })
    expect(err.challengeParams.scope).toBe('read:pets admin')
  })

  it('calls next with 401 no_auth_context when req.auth is missing', () => {
    const next = run(requireScopes('read:pets'))
    expect(next.mock.calls[0]![0]).toMatchObject({ status: 401, reason: 'no_auth_context' })
  })

  it('returns a function named requireScopesMiddleware', () => {
    expect(requireScopes('a').name).toBe('requireScopesMiddleware')
    expect(requireScopes('a')).toHaveLength(3)
  })

  it('copies the scopes, so changing the array later changes nothing', () => {
    const scopes = ['read:pets']
    const guard = requireScopes(...scopes)
    scopes[0] = 'admin'
    expect(run(guard, auth)).toHaveBeenCalledWith()
  })

  it('throws a TypeError at start-up when no scope is given', () => {
    expect(() => requireScopes()).toThrow(
      errorLike(
        TypeError,
        "@tokenguard/scopes: requireScopes needs at least one scope, e.g. requireScopes('read:pets', 'write:pets')",
      ),
    )
  })

  it('throws a TypeError at start-up for a scope that is not a string', () => {
    expect(() => requireScopes(['a', 'b'] as unknown as string)).toThrow(
      errorLike(
        TypeError,
        "@tokenguard/scopes: requireScopes takes scopes as strings, e.g. requireScopes('read:pets', 'write:pets'); got an array",
      ),
    )
    const notStrings: unknown[] = [undefined, null, 1, {}]
    for (const scope of notStrings) {
      expect(() => requireScopes(scope as string)).toThrow(
        errorLike(TypeError, /^@tokenguard\/scopes: /),
      )
    }
  })

  it('throws a TypeError at start-up for whitespace inside a scope or an empty scope', () => {
    for (const scope of ['read:pets write:pets', ' read', 'read\t', 'a\nb', '']) {
      expect(() => requireScopes(scope)).toThrow(
        errorLike(
          TypeError,
          /^@tokenguard\/scopes: requireScopes got .*: a scope is one non-empty token without whitespace/,
        ),
      )
    }
  })

  it('throws a TypeError at start-up for a scope with characters RFC 6749 forbids', () => {
    for (const scope of ['read"pets', 'read\\pets', 'caf\u00e9', 'a\u0000']) {
      expect(() => requireScopes(scope)).toThrow(errorLike(TypeError, /RFC 6749 §3\.3/))
    }
  })
})

describe('requireAnyScope', () => {
  const auth = authFor({ scp: ['support'] })

  it('calls next() when the token has one of the scopes', () => {
    expect(run(requireAnyScope('admin', 'support'), auth)).toHaveBeenCalledWith()
  })

  it('calls next with 403 naming every accepted scope when the token has none', () => {
    const next = run(requireAnyScope('admin', 'root'), auth)
    expect((next.mock.calls[0]![0] as OAuthError).headers['WWW-Authenticate']).toBe(
      'Bearer error="insufficient_scope", ' +
        'error_description="The access token does not have the scope this resource requires", ' +
        'scope="admin root"',
    )
  })

  it('returns a function named requireAnyScopeMiddleware', () => {
    expect(requireAnyScope('a').name).toBe('requireAnyScopeMiddleware')
  })

  it('throws a TypeError prefixed @tokenguard/scopes for bad scopes', () => {
    expect(() => requireAnyScope()).toThrow(
      errorLike(TypeError, /^@tokenguard\/scopes: requireAnyScope needs at least/),
    )
    expect(() => requireAnyScope('a b')).toThrow(TypeError)
  })
})

describe('requireClaims', () => {
  const auth = authFor({ tenant: 'acme', groups: ['admin'] })

  it('calls next() when the claims match', () => {
    expect(run(requireClaims({ equals: { tenant: 'acme' } }), auth)).toHaveBeenCalledWith()
    expect(
      run(
        requireClaims((claims) => claims.tenant === 'acme'),
        auth,
      ),
    ).toHaveBeenCalledWith()
  })

  it('calls next with 403 claim_check_failed when they do not', () => {
    const next = run(requireClaims({ includes: { groups: 'root' } }), auth)
    expect(next.mock.calls[0]![0]).toMatchObject({ status: 403, reason: 'claim_check_failed' })
  })

  it('calls next with the error a predicate throws, once', () => {
    const boom = new Error('bug')
    const next = run(
      requireClaims(() => {
        throw boom
      }),
      auth,
    )
    expect(next).toHaveBeenCalledTimes(1)
    expect(next).toHaveBeenCalledWith(boom)
  })

  it('wraps a thrown value that is not an Error, so the request is never let through', () => {
    for (const thrown of [undefined, 0, '', 'route', null]) {
      const next = run(
        requireClaims(() => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
          throw thrown
        }),
        auth,
      )
      const err = next.mock.calls[0]![0] as Error
      expect(err).toBeInstanceOf(TypeError)
      expect(err.cause).toBe(thrown)
    }
  })

  it('calls next with a TypeError when a predicate returns something else than a boolean', () => {
    const guard = requireClaims((() => 1) as unknown as () => boolean)
    expect(run(guard, auth).mock.calls[0]![0]).toBeInstanceOf(TypeError)
  })

  it('copies an equals/includes requirement, so changing it later changes nothing', () => {
    const equals: Record<string, string> = { tenant: 'acme' }
    const guard = requireClaims({ equals })
    equals.tenant = 'other'
    expect(run(guard, auth)).toHaveBeenCalledWith()
  })

  it('returns a function named requireClaimsMiddleware', () => {
    expect(requireClaims({ equals: { a: 1 } }).name).toBe('requireClaimsMiddleware')
  })

  it('throws a TypeError at start-up for a bad requirement', () => {
    expect(() => requireClaims({})).toThrow(
      errorLike(TypeError, '@tokenguard/scopes: requireClaims needs at least one claim to check'),
    )
    expect(() => requireClaims({ includes: { groups: [] } })).toThrow(
      errorLike(TypeError, /^@tokenguard\/scopes: /),
    )
  })
})

describe('createScopeGuards', () => {
  const { requireScopes, requireAnyScope, requireClaims } = createScopeGuards({ realm: 'petstore' })
  const auth = authFor({ scope: 'read:pets' })

  it('puts the realm in every challenge of its guards', () => {
    const challenges = [
      run(requireScopes('admin'), auth),
      run(requireAnyScope('admin'), auth),
      run(requireClaims({ equals: { tenant: 'x' } }), auth),
      run(requireScopes('read:pets')),
    ].map((next) => (next.mock.calls[0]![0] as OAuthError).headers['WWW-Authenticate'])
    expect(challenges.every((challenge) => challenge?.startsWith('Bearer realm="petstore"'))).toBe(
      true,
    )
    expect(challenges[3]).toBe('Bearer realm="petstore"')
  })

  it('gives guards that still let a request with the scopes through', () => {
    expect(run(requireScopes('read:pets'), auth)).toHaveBeenCalledWith()
  })

  it('throws a TypeError at start-up for a bad realm or an unknown option', () => {
    expect(() => createScopeGuards({ realm: '' })).toThrow(
      errorLike(TypeError, '@tokenguard/scopes: realm must be a non-empty string'),
    )
    expect(() => createScopeGuards({ realm: 7 } as unknown as { realm: string })).toThrow(TypeError)
    expect(() => createScopeGuards({ relm: 'x' } as never)).toThrow(
      errorLike(TypeError, '@tokenguard/scopes: unknown option "relm". Did you mean "realm"?'),
    )
    expect(() => createScopeGuards(null as never)).toThrow(
      errorLike(TypeError, /^@tokenguard\/scopes: /),
    )
  })
})
