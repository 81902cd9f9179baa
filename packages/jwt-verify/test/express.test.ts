import { errorLike } from '@tokenguard/test-support/errors'
import { oauthErrorHandler } from '@tokenguard/core'
import { createTestIssuer, type RunningIssuer, type TestIssuer } from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { createJwtVerifier, jwtBearer } from '../src/index.js'

let issuer: TestIssuer
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://api.test' })
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

describe.each(frameworks)('jwtBearer under $name', (framework) => {
  async function start(options: Partial<Parameters<typeof jwtBearer>[0]> = {}, handler = true) {
    const middleware = jwtBearer({
      issuer: issuer.issuer,
      audience: issuer.audience,
      realm: 'api',
      ...options,
    })
    return serve(framework.app([middleware, echoAuth], handler ? [oauthErrorHandler()] : []))
  }

  it('sets req.auth for a valid token', async () => {
    const app = await start()
    onTestFinished(() => app.close())
    const token = await issuer.sign({ scope: 'pets:read' })
    const res = await request(app.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(200)
    expect(res.body.auth).toMatchObject({
      subject: 'user-123',
      scopes: ['pets:read'],
      source: 'jwt',
    })
    expect(JSON.stringify(res.body)).not.toContain(token)
  })

  it('answers 401 with a bare challenge when no token is sent', async () => {
    const app = await start()
    onTestFinished(() => app.close())
    const res = await request(app.url).get('/pets')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"')
    expect(res.body).toEqual({ error_description: 'An access token is required' })
  })

  it('answers 401 with a bare challenge for another scheme', async () => {
    const app = await start()
    onTestFinished(() => app.close())
    const res = await request(app.url).get('/pets').set('Authorization', 'Basic dXNlcjpwYXNz')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"')
  })

  it('answers 401 invalid_token with the exact challenge for an expired token', async () => {
    const app = await start()
    onTestFinished(() => app.close())
    const token = await issuer.sign({ exp: Math.floor(Date.now() / 1000) - 3_600 })
    const res = await request(app.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    )
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token expired',
    })
  })

  it('answers 400 invalid_request for a malformed Authorization header', async () => {
    const app = await start()
    onTestFinished(() => app.close())
    const res = await request(app.url).get('/pets').set('Authorization', 'Bearer a b')
    expect(res.status).toBe(400)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_request", error_description="The access token is malformed"',
    )
  })

  it('sends the right status and challenge through the default error handler', async () => {
    const app = await start({}, false)
    onTestFinished(() => app.close())
    const res = await request(app.url).get('/pets').set('Authorization', 'Bearer not.a.jwt')
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is malformed"',
    )
    expect(res.text).not.toContain('not.a.jwt')
  })

  it('lets anonymous requests through with credentialsRequired false, but still refuses bad tokens', async () => {
    const app = await start({ credentialsRequired: false })
    onTestFinished(() => app.close())
    const anonymous = await request(app.url).get('/pets')
    expect(anonymous.status).toBe(200)
    expect(anonymous.body.auth).toBeNull()
    const bad = await request(app.url).get('/pets').set('Authorization', 'Bearer bad.token.here')
    expect(bad.status).toBe(401)
  })

  it('sets req.user to the claims when setUser is on', async () => {
    const app = await start({ setUser: true })
    onTestFinished(() => app.close())
    const token = await issuer.sign({ sub: 'alice' })
    const res = await request(app.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(res.body.user).toMatchObject({ sub: 'alice', iss: issuer.issuer })
  })

  it('reads a query token only when allowQueryToken is on', async () => {
    const off = await start()
    onTestFinished(() => off.close())
    const on = await start({ allowQueryToken: true })
    onTestFinished(() => on.close())
    const token = await issuer.sign()
    expect((await request(off.url).get(`/pets?access_token=${token}`)).status).toBe(401)
    expect((await request(on.url).get(`/pets?access_token=${token}`)).status).toBe(200)
    const both = await request(on.url)
      .get(`/pets?access_token=${token}`)
      .set('Authorization', `Bearer ${token}`)
    expect(both.status).toBe(400)
    expect(both.body.error).toBe('invalid_request')
  })
})

describe('jwtBearer', () => {
  it('fetches the JWKS once across many requests and two apps sharing a verifier', async () => {
    const own = await createTestIssuer({ algorithms: ['ES256'] })
    const server = await own.listen()
    onTestFinished(() => server.close())
    const verifier = createJwtVerifier({ issuer: own.issuer, audience: own.audience })
    const apps = await Promise.all(
      frameworks
        .slice(0, 2)
        .map((framework) =>
          serve(framework.app([jwtBearer({ verifier }), echoAuth], [oauthErrorHandler()])),
        ),
    )
    onTestFinished(async () => {
      await Promise.all(apps.map((app) => app.close()))
    })
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => own.sign({ sub: `u${i}` })),
    )
    const responses = await Promise.all(
      tokens.flatMap((token) =>
        apps.map((app) => request(app.url).get('/').set('Authorization', `Bearer ${token}`)),
      ),
    )
    expect(responses.map((res) => res.status)).toEqual(responses.map(() => 200))
    expect(server.requests('/jwks.json')).toBe(1)
  })

  it('answers 503 with Retry-After, never 401, when the JWKS is down', async () => {
    const own = await createTestIssuer({ algorithms: ['ES256'] })
    const server = await own.listen()
    onTestFinished(() => server.close())
    server.setFault('jwks', { status: 503 })
    for (const withHandler of [true, false]) {
      const middleware = jwtBearer({ issuer: own.issuer, audience: own.audience })
      const app = await serve(
        frameworks[0]!.app([middleware, echoAuth], withHandler ? [oauthErrorHandler()] : []),
      )
      onTestFinished(() => app.close())
      const res = await request(app.url)
        .get('/')
        .set('Authorization', `Bearer ${await own.sign()}`)
      expect(res.status).toBe(503)
      expect(res.headers['retry-after']).toMatch(/^\d+$/)
      expect(res.headers['www-authenticate']).toBeUndefined()
    }
    server.setFault('jwks', undefined)
  })

  it('keeps known keys working when the JWKS goes down after warm-up', async () => {
    const own = await createTestIssuer({ algorithms: ['ES256'] })
    const server = await own.listen()
    onTestFinished(() => server.close())
    const verifier = createJwtVerifier({ issuer: own.issuer, audience: own.audience })
    await verifier.hydrate()
    server.setFault('jwks', { hang: true })
    const app = await serve(
      frameworks[0]!.app([jwtBearer({ verifier }), echoAuth], [oauthErrorHandler()]),
    )
    onTestFinished(() => app.close())
    const res = await request(app.url)
      .get('/')
      .set('Authorization', `Bearer ${await own.sign()}`)
    expect(res.status).toBe(200)
  })

  it('bounds JWKS fetches under a flood of unknown kids', async () => {
    const own = await createTestIssuer({ algorithms: ['ES256'] })
    const attacker = await createTestIssuer({ algorithms: ['ES256'] })
    const server = await own.listen()
    onTestFinished(() => server.close())
    const app = await serve(
      frameworks[0]!.app(
        [jwtBearer({ issuer: own.issuer, audience: own.audience }), echoAuth],
        [oauthErrorHandler()],
      ),
    )
    onTestFinished(() => app.close())
    for (let i = 0; i < 100; i++) {
      const forged = await attacker.sign({ iss: own.issuer }, { kid: `kid-${i}` })
      const res = await request(app.url).get('/').set('Authorization', `Bearer ${forged}`)
      expect(res.status).toBe(401)
    }
    expect(server.requests('/jwks.json')).toBeLessThanOrEqual(2)
  })

  it('fails at start-up on a typo and on a verifier given with verifier options', () => {
    expect(() =>
      jwtBearer({ issuer: 'https://i.test', audience: 'a', credentialRequired: false } as never),
    ).toThrow(
      errorLike(
        TypeError,
        /unknown option "credentialRequired". Did you mean "credentialsRequired"\?/,
      ),
    )
    const verifier = createJwtVerifier({ issuer: 'https://i.test', audience: 'a' })
    expect(() => jwtBearer({ verifier, issuer: 'https://i.test' })).toThrow(
      errorLike(TypeError, /either verifier or verifier options/),
    )
  })
})
