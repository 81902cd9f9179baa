import { errorLike } from '@tokenguard/test-support/errors'
import type { IncomingMessage, ServerResponse } from 'node:http'
import request from 'supertest'
import { describe, expect, it, vi } from 'vitest'
import {
  OAuthError,
  oauthErrorHandler,
  type ErrorMiddleware,
  type Middleware,
} from '@tokenguard/core'
import { frameworks } from '@tokenguard/test-support/serve'

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

describe.each(frameworks)('oauthErrorHandler({ resourceMetadata }) through $name', (framework) => {
  const resourceMetadata = 'https://api.example.com/.well-known/oauth-protected-resource'
  const send = (err: unknown) =>
    request(framework.app([failWith(err)], [oauthErrorHandler({ resourceMetadata })])).get('/pets')

  it('adds resource_metadata to a bare 401 challenge (RFC 9728 §5.1)', async () => {
    const response = await send(OAuthError.missingCredentials())
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="${resourceMetadata}"`,
    )
    expect(response.body).toEqual({ error_description: 'An access token is required' })
  })

  it('adds resource_metadata after the error fields, keeping the realm first', async () => {
    const response = await send(
      OAuthError.invalidToken('token_expired', 'The access token expired').withChallenge({
        realm: 'api',
      }),
    )
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired", ' +
        `resource_metadata="${resourceMetadata}"`,
    )
  })

  it('adds resource_metadata to insufficient_scope and insufficient_user_authentication', async () => {
    const scope = await send(OAuthError.insufficientScope(['a', 'b'], 'Needs a and b'))
    expect(scope.status).toBe(403)
    expect(scope.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="Needs a and b", ' +
        `resource_metadata="${resourceMetadata}", scope="a b"`,
    )
    const stepUp = await send(OAuthError.insufficientUserAuthentication({ acrValues: ['mfa'] }))
    expect(stepUp.status).toBe(401)
    expect(stepUp.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="A different authentication level is required", ' +
        `resource_metadata="${resourceMetadata}", acr_values="mfa"`,
    )
  })

  it('keeps a resource_metadata the error already carries', async () => {
    const own = 'https://api.example.com/.well-known/oauth-protected-resource/v2'
    const response = await send(
      OAuthError.missingCredentials().withChallenge({ resource_metadata: own }),
    )
    expect(response.headers['www-authenticate']).toBe(`Bearer resource_metadata="${own}"`)
  })

  it('adds nothing to a 503', async () => {
    const response = await send(unavailable)
    expect(response.status).toBe(503)
    expect(response.headers['www-authenticate']).toBeUndefined()
    expect(response.headers['retry-after']).toBe('30')
  })
})

describe('oauthErrorHandler options', () => {
  const render = (handler: ErrorMiddleware, err: OAuthError): string | undefined => {
    const headers: Record<string, unknown> = {}
    const res = {
      headersSent: false,
      setHeader: (name: string, value: unknown) => (headers[name] = value),
      end: vi.fn(),
    }
    handler(err, {} as IncomingMessage, res as unknown as ServerResponse, vi.fn())
    return headers['WWW-Authenticate'] as string | undefined
  }

  it('adds its realm to challenges that have none, and leaves a middleware realm alone', () => {
    const handler = oauthErrorHandler({ realm: 'petstore' })
    expect(render(handler, OAuthError.missingCredentials())).toBe('Bearer realm="petstore"')
    expect(render(handler, OAuthError.missingCredentials().withChallenge({ realm: 'api' }))).toBe(
      'Bearer realm="api"',
    )
  })

  it('dresses a shared error once and never changes it', () => {
    const handler = oauthErrorHandler({ realm: 'petstore' })
    const shared = OAuthError.invalidToken('bad_signature')
    expect(render(handler, shared)).toBe(render(handler, shared))
    expect(shared.headers['WWW-Authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token is invalid"',
    )
  })

  it('throws a TypeError at start-up for a bad resourceMetadata, realm or option name', () => {
    expect(() => oauthErrorHandler({ resourceMetadata: 'http://api.example.com/x' })).toThrow(
      errorLike(
        TypeError,
        '@tokenguard/core: oauthErrorHandler resourceMetadata must use https (http is allowed only on localhost)',
      ),
    )
    expect(() => oauthErrorHandler({ resourceMetadata: '/.well-known/x' })).toThrow(
      errorLike(
        TypeError,
        /^@tokenguard\/core: oauthErrorHandler resourceMetadata must be an absolute URL/,
      ),
    )
    expect(() => oauthErrorHandler({ realm: '' })).toThrow(
      errorLike(TypeError, '@tokenguard/core: oauthErrorHandler realm must be a non-empty string'),
    )
    expect(() => oauthErrorHandler({ resourceMetaData: 'x' } as never)).toThrow(
      errorLike(
        TypeError,
        '@tokenguard/core: unknown option "resourceMetaData". Did you mean "resourceMetadata"?',
      ),
    )
  })

  it('accepts an http resourceMetadata on localhost', () => {
    expect(() =>
      oauthErrorHandler({
        resourceMetadata: 'http://localhost:3000/.well-known/oauth-protected-resource',
      }),
    ).not.toThrow()
  })
})
