import { errorLike } from '@tokenguard/test-support/errors'
import { generateKeyPairSync } from 'node:crypto'
import { oauthErrorHandler } from '@tokenguard/core'
import { createJwtVerifier } from '@tokenguard/jwt-verify'
import { requireScopes } from '@tokenguard/scopes'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import {
  createIntrospector,
  hybridBearer,
  introspectionBearer,
  type IntrospectionBearerOptions,
} from '../src/index.js'
import { defaultClientOptions } from './support/default-client-options.js'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
let issuer: TestIssuer
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({
    algorithms: ['ES256'],
    clients: [
      DEFAULT_TEST_CLIENT,
      {
        client_id: 'jwt-client',
        jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'c1' }] },
      },
      { client_id: 'bearer-client', bearer_token: 'rs-bearer-token-0123456789abcdef' },
    ],
  })
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

function options(extra: Partial<IntrospectionBearerOptions> = {}): IntrospectionBearerOptions {
  return defaultClientOptions(issuer, extra)
}

describe.each(frameworks)('introspectionBearer under $name', (framework) => {
  it('accepts an active opaque token and sets req.auth from introspection', async () => {
    const app = await serve(
      framework.app(
        [introspectionBearer({ ...options(), realm: 'api' }), echoAuth],
        [oauthErrorHandler()],
      ),
    )
    onTestFinished(() => app.close())
    const token = issuer.issueOpaque({ scope: 'pets:read', sub: 'alice' })
    const res = await request(app.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(200)
    expect(res.body.auth).toMatchObject({
      source: 'introspection',
      subject: 'alice',
      scopes: ['pets:read'],
    })
    expect(JSON.stringify(res.body)).not.toContain(token)
  })

  it('answers 401 invalid_token with the exact challenge for an unknown token', async () => {
    const app = await serve(
      framework.app(
        [introspectionBearer({ ...options(), realm: 'api' }), echoAuth],
        [oauthErrorHandler()],
      ),
    )
    onTestFinished(() => app.close())
    const res = await request(app.url).get('/pets').set('Authorization', 'Bearer not-a-real-token')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is not active"',
    )
  })

  it('answers 503 with Retry-After through the default error handler when introspection is down', async () => {
    const app = await serve(
      framework.app([introspectionBearer({ ...options(), realm: 'api' }), echoAuth]),
    )
    onTestFinished(() => app.close())
    running.setFault('introspect', { status: 500 })
    const res = await request(app.url)
      .get('/pets')
      .set('Authorization', `Bearer ${issuer.issueOpaque()}`)
    running.setFault('introspect', undefined)
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toBe('5')
    expect(res.headers['www-authenticate']).toBeUndefined()
  })
})

describe('introspectionBearer', () => {
  it('works after requireScopes exactly as the JWT verifier does', async () => {
    const app = await serve(
      frameworks[0]!.app(
        [
          introspectionBearer({ ...options(), realm: 'api' }),
          requireScopes('pets:write'),
          echoAuth,
        ],
        [oauthErrorHandler()],
      ),
    )
    onTestFinished(() => app.close())
    const reader = issuer.issueOpaque({ scope: 'pets:read' })
    const res = await request(app.url).post('/pets').set('Authorization', `Bearer ${reader}`)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"')
    expect(res.headers['www-authenticate']).toContain('scope="pets:write"')
  })

  it.each([
    [
      'client_secret_post',
      {
        method: 'client_secret_post',
        clientId: DEFAULT_TEST_CLIENT.client_id,
        clientSecret: DEFAULT_TEST_CLIENT.client_secret,
      },
    ],
    [
      'private_key_jwt',
      { method: 'private_key_jwt', clientId: 'jwt-client', privateKey, kid: 'c1' },
    ],
    ['bearer', { method: 'bearer', token: 'rs-bearer-token-0123456789abcdef' }],
  ])('authenticates to a real introspection endpoint with %s', async (_name, clientAuth) => {
    const introspector = createIntrospector({ ...options(), clientAuth } as never)
    await expect(
      introspector.introspect(issuer.issueOpaque({ sub: 'bob' })),
    ).resolves.toMatchObject({ subject: 'bob' })
  })

  it('answers 503, not 401, when the client credentials are wrong', async () => {
    const introspector = createIntrospector({
      ...options(),
      clientAuth: {
        method: 'client_secret_basic',
        clientId: 'test-client',
        clientSecret: 'wrong-secret',
      },
    } as never)
    await expect(introspector.introspect(issuer.issueOpaque())).rejects.toMatchObject({
      status: 503,
    })
  })

  it('sees a revocation once the cached result expires', async () => {
    const app = await serve(
      frameworks[0]!.app(
        [introspectionBearer(options({ cacheTtlMs: 300 })), echoAuth],
        [oauthErrorHandler()],
      ),
    )
    onTestFinished(() => app.close())
    const token = issuer.issueOpaque()
    const before = running.requests('/introspect')
    expect((await request(app.url).get('/').set('Authorization', `Bearer ${token}`)).status).toBe(
      200,
    )
    issuer.revoke(token)
    expect((await request(app.url).get('/').set('Authorization', `Bearer ${token}`)).status).toBe(
      200,
    )
    expect(running.requests('/introspect') - before).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 350))
    const after = await request(app.url).get('/').set('Authorization', `Bearer ${token}`)
    expect(after.status).toBe(401)
    expect(after.body.error).toBe('invalid_token')
  })

  it('sends one upstream call for 100 concurrent requests with one token, under 50 ms latency', async () => {
    const app = await serve(
      frameworks[0]!.app(
        [introspectionBearer({ ...options(), realm: 'api' }), echoAuth],
        [oauthErrorHandler()],
      ),
    )
    onTestFinished(() => app.close())
    running.setFault('introspect', { delayMs: 50 })
    const token = issuer.issueOpaque()
    const before = running.requests('/introspect')
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        request(app.url).get('/').set('Authorization', `Bearer ${token}`),
      ),
    )
    running.setFault('introspect', undefined)
    expect(responses.map((res) => res.status)).toEqual(responses.map(() => 200))
    expect(running.requests('/introspect') - before).toBe(1)
  })

  it('refuses a refresh token presented as an access token', async () => {
    const introspector = createIntrospector(options() as never)
    const refresh = issuer.issueOpaque({}, { tokenType: 'refresh_token' })
    await expect(introspector.introspect(refresh)).rejects.toMatchObject({
      status: 401,
      reason: 'wrong_token_type',
    })
  })

  it('fails at start-up when given an introspector and introspector options together', () => {
    const introspector = createIntrospector(options() as never)
    expect(() => introspectionBearer({ introspector, issuer: 'https://x.test' } as never)).toThrow(
      errorLike(TypeError, /either introspector or introspector options/),
    )
  })
})

describe('hybridBearer', () => {
  it('sends JWTs to the verifier and opaque tokens to introspection', async () => {
    const jwt = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience })
    const introspection = createIntrospector(options() as never)
    const app = await serve(
      frameworks[0]!.app(
        [hybridBearer({ jwt, introspection, realm: 'api' }), echoAuth],
        [oauthErrorHandler()],
      ),
    )
    onTestFinished(() => app.close())
    const before = running.requests('/introspect')
    const viaJwt = await request(app.url)
      .get('/')
      .set('Authorization', `Bearer ${await issuer.sign({ sub: 'j' })}`)
    expect(viaJwt.body.auth).toMatchObject({ source: 'jwt', subject: 'j' })
    expect(running.requests('/introspect')).toBe(before)
    const viaIntrospection = await request(app.url)
      .get('/')
      .set('Authorization', `Bearer ${issuer.issueOpaque({ sub: 'o' })}`)
    expect(viaIntrospection.body.auth).toMatchObject({ source: 'introspection', subject: 'o' })
    const none = await request(app.url).get('/')
    expect(none.headers['www-authenticate']).toBe('Bearer realm="api"')
  })

  it.each([
    ['a padded signature', (t: string) => `${t}=`],
    ['standard base64 characters', (t: string) => t.replace(/-/g, '+').replace(/_/g, '/') + '+/'],
    ['an empty signature', (t: string) => t.slice(0, t.lastIndexOf('.') + 1)],
    ['an empty header', (t: string) => t.slice(t.indexOf('.'))],
    ['four parts', (t: string) => `${t}.extra`],
    ['two dots and nothing else', () => '..'],
  ])(
    'sends a JWT with %s to the JWT verifier (401 malformed_token), never to introspection',
    async (_case, mangle) => {
      const jwt = createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience })
      const introspection = createIntrospector(options() as never)
      const app = await serve(
        frameworks[0]!.app([hybridBearer({ jwt, introspection }), echoAuth], [oauthErrorHandler()]),
      )
      onTestFinished(() => app.close())
      const before = running.requests('/introspect')
      const answer = await request(app.url)
        .get('/')
        .set('Authorization', `Bearer ${mangle(await issuer.sign())}`)
      expect(answer.status).toBe(401)
      expect(answer.body).toMatchObject({ error: 'invalid_token' })
      expect(running.requests('/introspect')).toBe(before)
    },
  )

  it('fails at start-up without a verifier or an introspector', () => {
    expect(() => hybridBearer({ jwt: {}, introspection: {} } as never)).toThrow(
      errorLike(TypeError, /jwt must be a JWT verifier/),
    )
  })
})
