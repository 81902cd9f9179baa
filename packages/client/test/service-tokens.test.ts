import { createMockAuthorizationServer } from '@tokenguard/mock-authorization-server'
import { createRedisStore } from '@tokenguard/store-redis'
import { connectRedis, testNamespace } from '@tokenguard/test-support/redis-client'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  createServiceTokens,
  discoverAuthorizationServer,
  type CachedServiceToken,
} from '../src/index.js'

const SECRET = 'a-long-enough-secret-for-the-stats-service'

async function startServer() {
  const server = await createMockAuthorizationServer({
    clients: [{ client_id: 'stats', client_secret: SECRET, scope: 'pets:stats pets:read' }],
  })
  const running = await server.listen()
  onTestFinished(() => running.close())
  const config = () =>
    discoverAuthorizationServer({ issuer: running.url, clientId: 'stats', clientSecret: SECRET })
  return { server, running, config }
}

describe('createServiceTokens', () => {
  it('gets a client-credentials token the authorization server signed, for the scope asked', async () => {
    const { server, config } = await startServer()
    const tokens = createServiceTokens({ server: await config(), scope: ['pets:stats'] })
    const token = await tokens.getToken()
    const result = server.issuer.introspect(token)
    expect(result).toMatchObject({ active: true, client_id: 'stats', scope: 'pets:stats' })
  })

  it('sends one token request for 100 concurrent callers on a cold cache, and none for the next 100', async () => {
    const { running, config } = await startServer()
    const tokens = createServiceTokens({ server: await config(), scope: 'pets:stats' })
    running.resetRequests()
    const first = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()))
    const second = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()))
    expect(new Set([...first, ...second]).size).toBe(1)
    expect(running.requests('/token')).toBe(1)
  })

  it('asks again once the token is past its expiry, and serves the old token while refreshing ahead of it', async () => {
    const { running, config } = await startServer()
    let clock = Date.now()
    const tokens = createServiceTokens({ server: await config(), now: () => clock })
    const first = await tokens.getToken()
    running.resetRequests()
    // Ahead of expiry (the server's tokens live 300 s by default): the old token still serves.
    clock += 250_000
    expect(await tokens.getToken()).toBe(first)
    await expect.poll(() => running.requests('/token')).toBe(1)
    const second = await tokens.getToken()
    expect(second).not.toBe(first)
    clock += 600_000
    const third = await tokens.getToken()
    expect(third).not.toBe(second)
    expect(running.requests('/token')).toBe(2)
  })

  it('asks for a new token after invalidate() drops the one an API refused', async () => {
    const { config } = await startServer()
    const tokens = createServiceTokens({ server: await config() })
    const first = await tokens.getToken()
    await tokens.invalidate('some other token')
    expect(await tokens.getToken()).toBe(first)
    await tokens.invalidate(first)
    expect(await tokens.getToken()).not.toBe(first)
  })

  it('answers 503 with the server Retry-After on 503, 429 and 500, and sends no request during the backoff', async () => {
    for (const status of [503, 429, 500]) {
      const { running, config } = await startServer()
      const tokens = createServiceTokens({ server: await config() })
      running.setFault('token', {
        status,
        body: '{"error":"temporarily_unavailable"}',
        retryAfterSec: 7,
      })
      const error: unknown = await tokens.getToken().catch((caught: unknown) => caught)
      expect(error, `status ${status}`).toMatchObject({
        name: 'OAuthError',
        status: 503,
        reason: 'authorization_server_refused',
        upstream: { status, error: 'temporarily_unavailable' },
        headers: { 'Retry-After': '7' },
      })
      running.resetRequests()
      running.setFault('token', undefined)
      await expect(tokens.getToken()).rejects.toMatchObject({ status: 503 })
      expect(running.requests('/token'), `status ${status}`).toBe(0)
    }
  })

  it('keeps the server error and description, and never the secret, in the error of a refused client', async () => {
    const { running } = await startServer()
    const server = await discoverAuthorizationServer({
      issuer: running.url,
      clientId: 'stats',
      clientSecret: 'a-wrong-secret-that-must-not-leak',
    })
    const error: unknown = await createServiceTokens({ server })
      .getToken()
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 503, upstream: { status: 401, error: 'invalid_client' } })
    expect(
      JSON.stringify(error) +
        String(error) +
        JSON.stringify((error as Error & { upstream: unknown }).upstream),
    ).not.toContain('a-wrong-secret')
  })

  it('shares one token between two instances on one real Redis: 50 callers each at expiry make 1 token request', async () => {
    const { running, config } = await startServer()
    const redis = await connectRedis()
    onTestFinished(() => redis.destroy())
    const namespace = testNamespace('service-tokens')
    let clock = Date.now()
    const instance = async () =>
      createServiceTokens({
        server: await config(),
        scope: 'pets:stats',
        store: createRedisStore<CachedServiceToken>({ client: redis, namespace }),
        now: () => clock,
      })
    const [a, b] = await Promise.all([instance(), instance()])
    running.resetRequests()
    const cold = await Promise.all(
      [a, b].flatMap((tokens) => Array.from({ length: 50 }, () => tokens.getToken())),
    )
    expect(new Set(cold).size).toBe(1)
    expect(running.requests('/token')).toBe(1)
    clock += 400_000 // past exp on both instances
    const expired = await Promise.all(
      [a, b].flatMap((tokens) => Array.from({ length: 50 }, () => tokens.getToken())),
    )
    expect(new Set(expired).size).toBe(1)
    expect(expired[0]).not.toBe(cold[0])
    expect(running.requests('/token')).toBe(2)
  })

  it('refuses options that cannot work, naming the option', async () => {
    const { config } = await startServer()
    const server = await config()
    expect(() => createServiceTokens({ server, scop: 'x' } as never)).toThrow(
      /unknown option "scop". Did you mean "scope"/,
    )
    expect(() => createServiceTokens({ server: {} as never })).toThrow(TypeError)
    expect(() => createServiceTokens({ server, scope: 'a "b' })).toThrow(
      /scope must be scope tokens/,
    )
    expect(() => createServiceTokens({ server, resource: 'not a url' })).toThrow(
      /resource must be an absolute URL/,
    )
    expect(() => createServiceTokens({ server, expirySkewSec: -1 })).toThrow(RangeError)
  })
})
