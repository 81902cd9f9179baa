import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { createPetstoreApp } from '../src/app.js'
import {
  AUDIENCE,
  introspectionOptions,
  serveApp,
  startIssuer,
  type LocalIssuer,
} from './helpers.js'
import { createIntrospector } from '@tokenguard/introspect'
import { createJwtVerifier } from '@tokenguard/jwt-verify'
import { createTestIssuer } from '@tokenguard/test-tokens'

const SCOPE_DESCRIPTION = 'The access token does not have the scope this resource requires'

interface Route {
  readonly method: 'get' | 'post'
  readonly path: string
  readonly scope: string
  readonly otherScope: string
  readonly body: object | undefined
  readonly status: number
}

const routes: readonly Route[] = [
  {
    method: 'get',
    path: '/api/pets',
    scope: 'pets:read',
    otherScope: 'pets:write',
    body: undefined,
    status: 200,
  },
  {
    method: 'post',
    path: '/api/pets',
    scope: 'pets:write',
    otherScope: 'pets:read',
    body: { name: 'Biscuit', tag: 'dog' },
    status: 201,
  },
  {
    method: 'post',
    path: '/api/adoptions',
    scope: 'adoptions:create',
    otherScope: 'pets:read pets:write',
    body: { petId: 1 },
    status: 201,
  },
]

let local: LocalIssuer
let app: LocalServer

beforeAll(async () => {
  local = await startIssuer()
})

afterAll(async () => {
  await local.running.close()
})

afterEach(async () => {
  await app.close()
})

function send(route: Route, token?: string): request.Test {
  const req = request(app.url)[route.method](route.path)
  if (token !== undefined) req.set('Authorization', `Bearer ${token}`)
  return route.body === undefined ? req : req.send(route.body)
}

describe('GET /health', () => {
  it('answers 200 without a token', async () => {
    app = await serveApp(local)
    const res = await request(app.url).get('/health')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok' })
  })

  it('answers 200 whatever the Authorization header holds', async () => {
    app = await serveApp(local)
    const res = await request(app.url).get('/health').set('Authorization', 'Bearer not-a-jwt')
    expect(res.status).toBe(200)
  })
})

describe.each(routes)('$method $path', (route) => {
  it(`answers ${route.status} to a token with scope ${route.scope}`, async () => {
    app = await serveApp(local)
    const res = await send(route, await local.issuer.sign({ scope: route.scope }))
    expect(res.status).toBe(route.status)
    expect(res.headers['cache-control']).toBe('no-store')
  })

  it(`answers 403 insufficient_scope with scope="${route.scope}" to a token with other scopes`, async () => {
    app = await serveApp(local)
    const res = await send(route, await local.issuer.sign({ scope: route.otherScope }))
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="petstore", error="insufficient_scope", error_description="${SCOPE_DESCRIPTION}", scope="${route.scope}"`,
    )
    expect(res.body).toEqual({ error: 'insufficient_scope', error_description: SCOPE_DESCRIPTION })
  })

  it('answers 403 insufficient_scope to a token without any scope', async () => {
    app = await serveApp(local)
    const res = await send(route, await local.issuer.sign())
    expect(res.status).toBe(403)
    expect(res.body.error).toBe('insufficient_scope')
  })

  it('answers 401 with a bare realm challenge when no token is sent', async () => {
    app = await serveApp(local)
    const res = await send(route)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer realm="petstore"')
    expect(res.body).toEqual({ error_description: 'An access token is required' })
  })

  it('answers 401 invalid_token with the exact challenge when the token expired', async () => {
    app = await serveApp(local)
    const token = await local.issuer.sign({ scope: route.scope }, { expiresInSec: -60 })
    const res = await send(route, token)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="petstore", error="invalid_token", error_description="The access token expired"',
    )
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token expired',
    })
  })

  it('answers 401 invalid_token to a token meant for another API', async () => {
    app = await serveApp(local)
    const token = await local.issuer.sign({ scope: route.scope, aud: 'https://other.api.test' })
    const res = await send(route, token)
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is not meant for this API',
    })
  })

  it('answers 401 invalid_token to a token signed with a key the issuer never published', async () => {
    app = await serveApp(local)
    const forger = await createTestIssuer({
      algorithms: ['ES256'],
      issuer: local.issuer.issuer,
      audience: AUDIENCE,
    })
    const res = await send(route, await forger.sign({ scope: route.scope }))
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('invalid_token')
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer realm="petstore", error="invalid_token"/,
    )
  })
})

describe('the bearer check', () => {
  it('runs before the body is read, so a refused request never reaches the JSON parser', async () => {
    app = await serveApp(local)
    const res = await request(app.url)
      .post('/api/pets')
      .set('Content-Type', 'application/json')
      .send('{not json')
    expect(res.status).toBe(401)
  })

  it('runs the scope guard before the body is read', async () => {
    app = await serveApp(local)
    const res = await request(app.url)
      .post('/api/pets')
      .set('Authorization', `Bearer ${await local.issuer.sign({ scope: 'pets:read' })}`)
      .set('Content-Type', 'application/json')
      .send('{not json')
    expect(res.status).toBe(403)
  })

  it('never echoes the token in a refusal', async () => {
    app = await serveApp(local)
    const token = await local.issuer.sign({ scope: 'pets:read' }, { expiresInSec: -60 })
    const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.text).not.toContain(token)
    expect(JSON.stringify(res.headers)).not.toContain(token)
  })
})

describe.each(routes)('$method $path with an opaque token', (route) => {
  it(`answers ${route.status} to an opaque token with scope ${route.scope}, introspected at the issuer`, async () => {
    app = await serveApp(local, { introspection: introspectionOptions(local) })
    const before = local.running.requests('/introspect')
    const res = await send(route, local.issuer.issueOpaque({ scope: route.scope }))
    expect(res.status).toBe(route.status)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(local.running.requests('/introspect')).toBe(before + 1)
  })

  it(`answers 403 insufficient_scope with scope="${route.scope}" to an opaque token with other scopes`, async () => {
    app = await serveApp(local, { introspection: introspectionOptions(local) })
    const res = await send(route, local.issuer.issueOpaque({ scope: route.otherScope }))
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="petstore", error="insufficient_scope", error_description="${SCOPE_DESCRIPTION}", scope="${route.scope}"`,
    )
    expect(res.body).toEqual({ error: 'insufficient_scope', error_description: SCOPE_DESCRIPTION })
  })
})

describe('createPetstoreApp with introspection', () => {
  it('answers 401 invalid_token with the exact challenge to a revoked opaque token', async () => {
    app = await serveApp(local, { introspection: introspectionOptions(local) })
    const token = local.issuer.issueOpaque({ scope: 'pets:read' })
    local.issuer.revoke(token)
    const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="petstore", error="invalid_token", error_description="The access token is not active"',
    )
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is not active',
    })
  })

  it('answers 401 invalid_token to an opaque token meant for another API', async () => {
    app = await serveApp(local, { introspection: introspectionOptions(local) })
    const token = local.issuer.issueOpaque({ scope: 'pets:read', aud: 'https://other.api.test' })
    const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('invalid_token')
  })

  it('still verifies JWTs with the keys, without calling the introspection endpoint', async () => {
    app = await serveApp(local, { introspection: introspectionOptions(local) })
    const before = local.running.requests('/introspect')
    const token = await local.issuer.sign({ scope: 'pets:read' })
    const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(200)
    expect(local.running.requests('/introspect')).toBe(before)
  })

  it('answers 401 with a bare realm challenge when no token is sent', async () => {
    app = await serveApp(local, { introspection: introspectionOptions(local) })
    const res = await request(app.url).get('/api/pets')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer realm="petstore"')
  })

  it('accepts a shared verifier and a shared introspector', async () => {
    const verifier = createJwtVerifier({ issuer: local.issuer.issuer, audience: AUDIENCE })
    const introspector = createIntrospector(introspectionOptions(local))
    app = await serve(createPetstoreApp({ jwt: { verifier }, introspection: introspector }))
    const jwt = await local.issuer.sign({ scope: 'pets:read' })
    const opaque = local.issuer.issueOpaque({ scope: 'pets:read' })
    for (const token of [jwt, opaque]) {
      const res = await request(app.url).get('/api/pets').set('Authorization', `Bearer ${token}`)
      expect(res.status).toBe(200)
    }
  })
})
