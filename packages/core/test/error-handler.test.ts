import type { IncomingMessage, ServerResponse } from 'node:http'
import request from 'supertest'
import { describe, expect, it, vi } from 'vitest'
import {
  OAuthError,
  oauthErrorHandler,
  type ErrorMiddleware,
  type Middleware,
} from '@tokenguard/core'
import { frameworks } from './support/frameworks.js'

const failWith =
  (err: unknown): Middleware =>
  (_req, _res, next) => {
    next(err)
  }

const cases = [
  {
    name: 'missingCredentials',
    error: OAuthError.missingCredentials().withChallenge({ realm: 'api' }),
    status: 401,
    header: 'Bearer realm="api"',
    body: { error_description: 'An access token is required' },
  },
  {
    name: 'invalidRequest',
    error: OAuthError.invalidRequest('multiple_methods', 'Two methods'),
    status: 400,
    header: 'Bearer error="invalid_request", error_description="Two methods"',
    body: { error: 'invalid_request', error_description: 'Two methods' },
  },
  {
    name: 'invalidToken',
    error: OAuthError.invalidToken('token_expired', 'The access token expired').withChallenge({
      realm: 'api',
    }),
    status: 401,
    header:
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    body: { error: 'invalid_token', error_description: 'The access token expired' },
  },
  {
    name: 'insufficientScope',
    error: OAuthError.insufficientScope(['a', 'b'], 'Needs a and b'),
    status: 403,
    header: 'Bearer error="insufficient_scope", error_description="Needs a and b", scope="a b"',
    body: { error: 'insufficient_scope', error_description: 'Needs a and b' },
  },
  {
    name: 'claimCheckFailed',
    error: OAuthError.claimCheckFailed('Wrong tenant'),
    status: 403,
    header: 'Bearer error="insufficient_scope", error_description="Wrong tenant"',
    body: { error: 'insufficient_scope', error_description: 'Wrong tenant' },
  },
] as const

const unavailable = OAuthError.temporarilyUnavailable('jwks_unavailable', 30)

describe.each(frameworks)('OAuthError through $name', (framework) => {
  describe('with the default error handler', () => {
    it.each(cases)('answers $status with the exact challenge for $name', async (c) => {
      const response = await request(framework.app([failWith(c.error)])).get('/pets')
      expect(response.status).toBe(c.status)
      expect(response.headers['www-authenticate']).toBe(c.header)
      expect(response.headers['retry-after']).toBeUndefined()
    })

    it('answers 503 with Retry-After and no challenge for temporarilyUnavailable', async () => {
      const response = await request(framework.app([failWith(unavailable)])).get('/pets')
      expect(response.status).toBe(503)
      expect(response.headers['retry-after']).toBe('30')
      expect(response.headers['www-authenticate']).toBeUndefined()
    })
  })

  describe('with oauthErrorHandler()', () => {
    it.each(cases)('answers $status with the JSON body and challenge for $name', async (c) => {
      const response = await request(framework.app([failWith(c.error)], [oauthErrorHandler()])).get(
        '/pets',
      )
      expect(response.status).toBe(c.status)
      expect(response.headers['www-authenticate']).toBe(c.header)
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.body).toEqual(c.body)
    })

    it('answers 503 with Retry-After and the temporarily_unavailable body', async () => {
      const response = await request(
        framework.app([failWith(unavailable)], [oauthErrorHandler()]),
      ).get('/pets')
      expect(response.status).toBe(503)
      expect(response.headers['retry-after']).toBe('30')
      expect(response.headers['www-authenticate']).toBeUndefined()
      expect(response.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'The authorization server could not be reached; try again later',
      })
    })

    it('passes an error that is not an OAuthError on to the next error handler', async () => {
      const original = new Error('database down')
      // Four parameters, or Express and Connect would not see an error handler.
      const next: ErrorMiddleware = (err, _req, res, _next) => {
        res.statusCode = 500
        res.end(err === original ? 'got the original error' : 'got something else')
      }
      const response = await request(
        framework.app([failWith(original)], [oauthErrorHandler(), next]),
      ).get('/pets')
      expect(response.status).toBe(500)
      expect(response.text).toBe('got the original error')
      expect(response.headers['www-authenticate']).toBeUndefined()
    })

    it('lets a request without an error through untouched', async () => {
      const ok: Middleware = (_req, res) => {
        res.end('ok')
      }
      const response = await request(framework.app([ok], [oauthErrorHandler()])).get('/pets')
      expect(response.status).toBe(200)
      expect(response.text).toBe('ok')
    })
  })
})

describe('oauthErrorHandler', () => {
  it('passes the error on when the response headers were already sent', () => {
    const res = { headersSent: true, setHeader: vi.fn(), end: vi.fn() }
    const next = vi.fn()
    const err = OAuthError.invalidToken('bad_signature')
    oauthErrorHandler()(err, {} as IncomingMessage, res as unknown as ServerResponse, next)
    expect(next).toHaveBeenCalledWith(err)
    expect(res.setHeader).not.toHaveBeenCalled()
    expect(res.end).not.toHaveBeenCalled()
  })

  it('is a four-parameter function so Express and Connect treat it as an error handler', () => {
    expect(oauthErrorHandler()).toHaveLength(4)
    expect(oauthErrorHandler().name).toBe('oauthErrorHandlerMiddleware')
  })
})
