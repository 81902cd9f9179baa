import { oauthErrorHandler } from '@tokenguard/core'
import { introspectionBearer, type CachedIntrospection } from '@tokenguard/introspect'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  connectRedis,
  keysIn,
  testNamespace,
  type TestRedisClient,
} from '@tokenguard/test-support/redis-client'
import { echoAuth, frameworks, serve, type LocalServer } from '@tokenguard/test-support/serve'
import { createRedisStore } from '../src/index.js'

// Two instances of one API, each with its own Redis connection, against the run's real
// redis-server and one local authorization server: what one instance learns, the other uses.

let issuer: TestIssuer
let running: RunningIssuer
const clients: TestRedisClient[] = []
const servers: LocalServer[] = []

beforeAll(async () => {
  issuer = await createTestIssuer()
  running = await issuer.listen()
  clients.push(await connectRedis(), await connectRedis())
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  for (const client of clients) client.destroy()
  await running.close()
})

/** One API instance: Express 5, introspection through its own Redis client, in `namespace`. */
async function instance(client: TestRedisClient, namespace: string): Promise<LocalServer> {
  const store = createRedisStore<CachedIntrospection>({ client, namespace })
  const guard = introspectionBearer({
    issuer: issuer.issuer,
    audience: issuer.audience,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: DEFAULT_TEST_CLIENT.client_id,
      clientSecret: DEFAULT_TEST_CLIENT.client_secret,
    },
    store,
  })
  const server = await serve(frameworks[0]!.app([guard, echoAuth], [oauthErrorHandler()]))
  servers.push(server)
  return server
}

describe('two API instances sharing one Redis', () => {
  it('serves an introspection result cached by the first instance to the second without asking the endpoint again', async () => {
    const namespace = testNamespace('introspection')
    const [first, second] = await Promise.all([
      instance(clients[0]!, namespace),
      instance(clients[1]!, namespace),
    ])
    const token = issuer.issueOpaque({ scope: 'pets:read', sub: 'alice' })
    running.resetRequests()

    const one = await request(first.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(one.status).toBe(200)
    expect(running.requests('/introspect')).toBe(1)
    // The first instance writes the result after it answers: wait for the one entry.
    await vi.waitFor(async () => expect(await keysIn(clients[0]!, namespace)).toHaveLength(1))

    const two = await request(second.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(two.status).toBe(200)
    expect(two.body.auth).toMatchObject({
      source: 'introspection',
      subject: 'alice',
      scopes: ['pets:read'],
    })
    expect(running.requests('/introspect')).toBe(1)
    const keys = await keysIn(clients[0]!, namespace)
    expect(keys.join('\n')).not.toContain(token)
    expect(String(await clients[0]!.get(keys[0]!))).not.toContain(token)
  })

  it('refuses on the second instance a token the first found inactive, without asking again', async () => {
    const namespace = testNamespace('introspection')
    const [first, second] = await Promise.all([
      instance(clients[0]!, namespace),
      instance(clients[1]!, namespace),
    ])
    const token = 'never-issued-opaque-token-0123456789'
    running.resetRequests()

    const one = await request(first.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(one.status).toBe(401)
    await vi.waitFor(async () => expect(await keysIn(clients[0]!, namespace)).toHaveLength(1))
    const two = await request(second.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(two.status).toBe(401)
    expect(two.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token is not active"',
    )
    expect(running.requests('/introspect')).toBe(1)
  })
})
