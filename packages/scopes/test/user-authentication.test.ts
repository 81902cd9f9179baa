import { errorLike } from '@tokenguard/test-support/errors'
import express from 'express'
import express4 from 'express4'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  OAuthError,
  oauthErrorHandler,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  type ErrorMiddleware,
  type Middleware,
} from '@tokenguard/core'
import {
  createScopeGuards,
  requireScopes,
  requireUserAuthentication,
  type UserAuthenticationOptions,
} from '@tokenguard/scopes'
import { frameworks, serve, type LocalServer } from '@tokenguard/test-support/serve'
import { authFor, ok, setAuth } from './support/auth.js'

const NOW_SEC = 1_700_000_000
const now = (): number => NOW_SEC * 1000
const ACR = 'A different authentication level is required'
const AGE = 'More recent authentication is required'
const BOTH = 'A different authentication level and more recent authentication are required'
const stepUp = (description: string, params: string): string =>
  `Bearer error="insufficient_user_authentication", error_description="${description}", ${params}`

const mfa: UserAuthenticationOptions = { acrValues: ['mfa', 'hwk'], maxAgeSec: 300, now }
const fresh = authFor({ sub: 'u1', acr: 'mfa', auth_time: NOW_SEC - 60 })

/** Runs a guard on a bare request; `res` throws on any use, so a guard that ends it fails. */
function run(guard: Middleware, auth?: unknown): ReturnType<typeof vi.fn> {
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

describe('requireUserAuthentication', () => {
  it('calls next() with nothing when acr and auth_time satisfy the requirement', () => {
    const next = run(requireUserAuthentication(mfa), fresh)
    expect(next).toHaveBeenCalledTimes(1)
    expect(next).toHaveBeenCalledWith()
  })

  it('calls next once with 401 insufficient_user_authentication when they do not', () => {
    const next = run(requireUserAuthentication(mfa), authFor({ acr: 'pwd', auth_time: NOW_SEC }))
    expect(next).toHaveBeenCalledTimes(1)
    const err = next.mock.calls[0]![0] as OAuthError
    expect(err).toBeInstanceOf(OAuthError)
    expect(err.headers['WWW-Authenticate']).toBe(stepUp(ACR, 'acr_values="mfa hwk", max_age="300"'))
  })

  it('calls next with 401 no_auth_context when req.auth is missing', () => {
    const next = run(requireUserAuthentication(mfa))
    expect(next.mock.calls[0]![0]).toMatchObject({ status: 401, reason: 'no_auth_context' })
  })

  it('returns a three-parameter function named requireUserAuthenticationMiddleware', () => {
    const guard = requireUserAuthentication({ maxAgeSec: 60 })
    expect(guard.name).toBe('requireUserAuthenticationMiddleware')
    expect(guard).toHaveLength(3)
  })

  it('copies the requirement, so changing it later changes nothing', () => {
    const acrValues = ['mfa']
    const requirement = { acrValues, now }
    const guard = requireUserAuthentication(requirement)
    acrValues[0] = 'pwd'
    expect(run(guard, fresh)).toHaveBeenCalledWith()
  })

  it('throws a TypeError prefixed @tokenguard/scopes at start-up for a bad requirement', () => {
    expect(() => requireUserAuthentication({})).toThrow(
      errorLike(
        TypeError,
        "@tokenguard/scopes: requireUserAuthentication needs acrValues, maxAgeSec or both, e.g. requireUserAuthentication({ acrValues: ['mfa'], maxAgeSec: 300 })",
      ),
    )
    expect(() => requireUserAuthentication({ acrValues: ['a b'] })).toThrow(TypeError)
    expect(() => requireUserAuthentication({ maxAgeSec: -5 })).toThrow(
      errorLike(
        TypeError,
        /^@tokenguard\/scopes: requireUserAuthentication maxAgeSec must be a whole number/,
      ),
    )
  })

  it('gets the realm of createScopeGuards in its challenges', () => {
    const guards = createScopeGuards({ realm: 'bank' })
    const refused = run(guards.requireUserAuthentication({ maxAgeSec: 300, now }), authFor({}))
    expect((refused.mock.calls[0]![0] as OAuthError).headers['WWW-Authenticate']).toBe(
      `Bearer realm="bank", error="insufficient_user_authentication", error_description="${AGE}", max_age="300"`,
    )
    const missing = run(guards.requireUserAuthentication({ maxAgeSec: 300, now }))
    expect((missing.mock.calls[0]![0] as OAuthError).headers['WWW-Authenticate']).toBe(
      'Bearer realm="bank"',
    )
  })
})

describe.each(frameworks)('requireUserAuthentication on $name', (framework) => {
  let server: LocalServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  const get = async (
    auth: unknown,
    guard: Middleware,
    errorHandlers: readonly ErrorMiddleware[] = [],
  ): Promise<Response> => {
    server = await serve(framework.app([setAuth(auth), guard, ok], errorHandlers))
    return fetch(`${server.url}/transfers`)
  }

  describe('with the default error handler', () => {
    it('lets a token with an accepted acr and a recent auth_time through to the route', async () => {
      const response = await get(fresh, requireUserAuthentication(mfa))
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('ok')
    })

    it('answers 401 with acr_values when the acr is not accepted', async () => {
      const response = await get(
        authFor({ acr: 'pwd' }),
        requireUserAuthentication({ acrValues: ['mfa', 'hwk'] }),
      )
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe(stepUp(ACR, 'acr_values="mfa hwk"'))
    })

    it('answers 401 with max_age when auth_time is too old', async () => {
      const response = await get(
        authFor({ acr: 'mfa', auth_time: NOW_SEC - 3600 }),
        requireUserAuthentication({ maxAgeSec: 300, now }),
      )
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe(stepUp(AGE, 'max_age="300"'))
    })

    it('answers 401 with max_age when the token has no auth_time', async () => {
      const response = await get(
        authFor({ acr: 'mfa' }),
        requireUserAuthentication({ maxAgeSec: 300, now }),
      )
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe(stepUp(AGE, 'max_age="300"'))
    })

    it('answers 401 with acr_values and max_age when both fail', async () => {
      const response = await get(
        authFor({ acr: 'pwd', auth_time: NOW_SEC - 3600 }),
        requireUserAuthentication(mfa),
      )
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe(
        stepUp(BOTH, 'acr_values="mfa hwk", max_age="300"'),
      )
    })

    it('answers 401 with a bare Bearer challenge when no middleware set req.auth', async () => {
      const response = await get(undefined, requireUserAuthentication(mfa))
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Bearer')
    })
  })

  describe('with oauthErrorHandler({ resourceMetadata })', () => {
    const resourceMetadata = protectedResourceMetadataUrl('https://bank.example.com')

    it('answers the RFC 6750 body and a challenge that points at the metadata', async () => {
      const response = await get(
        authFor({ acr: 'pwd', auth_time: NOW_SEC }),
        requireUserAuthentication(mfa),
        [oauthErrorHandler({ resourceMetadata })],
      )
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        error: 'insufficient_user_authentication',
        error_description: ACR,
      })
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer error="insufficient_user_authentication", error_description="${ACR}", ` +
          `resource_metadata="${resourceMetadata}", acr_values="mfa hwk", max_age="300"`,
      )
    })
  })

  it('serves the metadata and guards a step-up route in one app', async () => {
    const resource = 'http://127.0.0.1'
    server = await serve(
      framework.app(
        [
          protectedResourceMetadata({ resource, scopes_supported: ['payments'] }),
          setAuth(authFor({ scope: 'payments', acr: 'pwd', auth_time: NOW_SEC })),
          requireScopes('payments'),
          requireUserAuthentication({ acrValues: ['mfa'], now }),
          ok,
        ],
        [oauthErrorHandler({ resourceMetadata: protectedResourceMetadataUrl(resource) })],
      ),
    )
    const metadata = await fetch(`${server.url}/.well-known/oauth-protected-resource`)
    expect(await metadata.json()).toEqual({
      resource,
      scopes_supported: ['payments'],
      bearer_methods_supported: ['header'],
    })
    const refused = await fetch(`${server.url}/transfers`)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_user_authentication", error_description="${ACR}", ` +
        'resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource", acr_values="mfa"',
    )
  })
})

describe('requireUserAuthentication as an Express route handler', () => {
  it('type-checks and runs as a route-level guard on Express 5 and Express 4', async () => {
    for (const create of [express, express4]) {
      const app = create()
      app.use(setAuth(fresh))
      app.post('/transfers', requireUserAuthentication(mfa), (req, res) => {
        res.json({ subject: req.auth?.subject })
      })
      app.post('/close', requireUserAuthentication({ acrValues: ['hwk-only'] }), (_req, res) => {
        res.sendStatus(204)
      })
      app.use(oauthErrorHandler())
      const server = await serve(app)
      try {
        const allowed = await fetch(`${server.url}/transfers`, { method: 'POST' })
        expect(await allowed.json()).toEqual({ subject: 'u1' })
        const refused = await fetch(`${server.url}/close`, { method: 'POST' })
        expect(refused.status).toBe(401)
        expect(refused.headers.get('www-authenticate')).toBe(stepUp(ACR, 'acr_values="hwk-only"'))
      } finally {
        await server.close()
      }
    }
  })
})
