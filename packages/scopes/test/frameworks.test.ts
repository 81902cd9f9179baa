import express from 'express'
import express4 from 'express4'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { oauthErrorHandler, type ErrorMiddleware, type Middleware } from '@tokenguard/core'
import {
  createScopeGuards,
  requireAnyScope,
  requireClaims,
  requireScopes,
} from '@tokenguard/scopes'
import { authFor, ok, parseClaims, setAuth } from './support/auth.js'
import { frameworks } from '@tokenguard/test-support/serve'

const SCOPE_DESCRIPTION = 'The access token does not have the scope this resource requires'
const CLAIM_DESCRIPTION = 'The access token does not satisfy the requirements of this resource'

describe.each(frameworks)('guards on $name', (framework) => {
  const get = (
    auth: unknown,
    guard: Middleware,
    errorMiddleware: readonly ErrorMiddleware[] = [],
  ) => request(framework.app([setAuth(auth), guard, ok], errorMiddleware)).get('/pets')

  const reader = authFor({ sub: 'u1', scope: 'read:pets', tenant: 'acme', groups: ['staff'] })

  describe('with the default error handler', () => {
    it('lets a token with the scopes through to the route', async () => {
      const response = await get(reader, requireScopes('read:pets'))
      expect(response.status).toBe(200)
      expect(response.text).toBe('ok')
    })

    it('answers 403 insufficient_scope with scope="..." when requireScopes misses a scope', async () => {
      const response = await get(reader, requireScopes('read:pets', 'write:pets'))
      expect(response.status).toBe(403)
      expect(response.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", error_description="${SCOPE_DESCRIPTION}", scope="read:pets write:pets"`,
      )
    })

    it('answers 403 naming every accepted scope when requireAnyScope finds none', async () => {
      const response = await get(reader, requireAnyScope('admin', 'support'))
      expect(response.status).toBe(403)
      expect(response.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", error_description="${SCOPE_DESCRIPTION}", scope="admin support"`,
      )
    })

    it('lets requireAnyScope through with one of the scopes', async () => {
      expect((await get(reader, requireAnyScope('admin', 'read:pets'))).status).toBe(200)
    })

    it('answers 403 insufficient_scope without scope when requireClaims fails', async () => {
      const response = await get(reader, requireClaims({ equals: { tenant: 'other' } }))
      expect(response.status).toBe(403)
      expect(response.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", error_description="${CLAIM_DESCRIPTION}"`,
      )
    })

    it('lets requireClaims through with matching claims', async () => {
      const guard = requireClaims({ equals: { tenant: 'acme' }, includes: { groups: 'staff' } })
      expect((await get(reader, guard)).status).toBe(200)
    })

    it('answers 401 with a bare Bearer challenge when no middleware set req.auth', async () => {
      const response = await get(undefined, requireScopes('read:pets'))
      expect(response.status).toBe(401)
      expect(response.headers['www-authenticate']).toBe('Bearer')
    })

    it('answers 401 when req.auth holds something other than an AuthContext', async () => {
      for (const foreign of [
        { payload: { scope: 'read:pets' } },
        { scopes: 'read:pets', claims: {} },
      ]) {
        const response = await get(foreign, requireScopes('read:pets'))
        expect(response.status).toBe(401)
      }
    })

    it('answers 500, not 200 or 403, when a claim predicate throws', async () => {
      const guard = requireClaims(() => {
        throw new Error('bug')
      })
      const response = await get(reader, guard)
      expect(response.status).toBe(500)
      expect(response.headers['www-authenticate']).toBeUndefined()
    })
  })

  describe('with oauthErrorHandler()', () => {
    it('answers 403 with the RFC 6750 body and the challenge', async () => {
      const response = await get(reader, requireScopes('write:pets'), [oauthErrorHandler()])
      expect(response.status).toBe(403)
      expect(response.body).toEqual({
        error: 'insufficient_scope',
        error_description: SCOPE_DESCRIPTION,
      })
      expect(response.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", error_description="${SCOPE_DESCRIPTION}", scope="write:pets"`,
      )
    })

    it('answers 401 with a body without error when there is no req.auth', async () => {
      const { requireScopes: guardWithRealm } = createScopeGuards({ realm: 'petstore' })
      const response = await get(undefined, guardWithRealm('read:pets'), [oauthErrorHandler()])
      expect(response.status).toBe(401)
      expect(response.body).toEqual({ error_description: 'An access token is required' })
      expect(response.headers['www-authenticate']).toBe('Bearer realm="petstore"')
    })

    it('writes the realm of createScopeGuards first in the challenge', async () => {
      const { requireClaims: guardWithRealm } = createScopeGuards({ realm: 'petstore' })
      const response = await get(
        reader,
        guardWithRealm((claims) => claims.sub === 'u2'),
        [oauthErrorHandler()],
      )
      expect(response.status).toBe(403)
      expect(response.headers['www-authenticate']).toBe(
        `Bearer realm="petstore", error="insufficient_scope", error_description="${CLAIM_DESCRIPTION}"`,
      )
    })
  })

  describe('on hostile claims', () => {
    it('refuses a token whose scope claim is not a string', async () => {
      const hostile = authFor({ scope: { 'read:pets': true } })
      expect((await get(hostile, requireScopes('read:pets'))).status).toBe(403)
    })

    it('ignores scp entries that are not strings', async () => {
      const hostile = authFor({ scp: [['write:pets'], { 'write:pets': 1 }, 7, 'read:pets'] })
      expect((await get(hostile, requireScopes('read:pets'))).status).toBe(200)
      expect((await get(hostile, requireScopes('write:pets'))).status).toBe(403)
    })

    it('grants nothing through a __proto__ claim and pollutes nothing', async () => {
      const hostile = authFor(
        parseClaims('{"__proto__":{"scope":"admin","tenant":"acme"},"scope":"read:pets"}'),
      )
      expect((await get(hostile, requireScopes('admin'))).status).toBe(403)
      expect((await get(hostile, requireClaims({ equals: { tenant: 'acme' } }))).status).toBe(403)
      expect(({} as Record<string, unknown>).tenant).toBeUndefined()
    })
  })
})

describe('guards as Express route handlers', () => {
  it('type-check and run as route-level guards on Express 5 and Express 4', async () => {
    for (const create of [express, express4]) {
      const app = create()
      app.use(setAuth(authFor({ sub: 'u1', scope: 'read:pets' })))
      app.get('/pets', requireScopes('read:pets'), (req, res) => {
        res.json({ subject: req.auth?.subject })
      })
      app.delete('/pets/:id', requireScopes('write:pets'), (_req, res) => {
        res.sendStatus(204)
      })
      app.use(oauthErrorHandler())
      expect((await request(app).get('/pets')).body).toEqual({ subject: 'u1' })
      expect((await request(app).delete('/pets/1')).status).toBe(403)
    }
  })
})
