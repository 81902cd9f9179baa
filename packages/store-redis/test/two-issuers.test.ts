import { createMemoryStore, oauthErrorHandler, type Store } from '@tokenguard/core'
import { introspectionBearer, type CachedIntrospection } from '@tokenguard/introspect'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { connectRedis, testNamespace } from '@tokenguard/test-support/redis-client'
import { echoAuth, frameworks, serve } from '@tokenguard/test-support/serve'
import { createRedisStore } from '../src/index.js'

// Two introspectors of two authorization servers, for one API audience, sharing one store
// (the default namespace, in memory or on the run's real redis-server): a result one
// endpoint gave never answers for the other, even when the response names no issuer.

const issuers: { issuer: TestIssuer; running: RunningIssuer }[] = []

beforeAll(async () => {
  for (let index = 0; index < 2; index++) {
    const issuer = await createTestIssuer({ algorithms: ['ES256'], audience: 'https://api.test' })
    issuers.push({ issuer, running: await issuer.listen() })
  }
})

afterAll(async () => {
  await Promise.all(issuers.map(({ running }) => running.close()))
})

async function apiOf(index: number, store: Store<CachedIntrospection>) {
  const { issuer } = issuers[index]!
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
  const app = await serve(frameworks[0]!.app([guard, echoAuth], [oauthErrorHandler()]))
  onTestFinished(() => app.close())
  return app
}

const stores: [string, () => Promise<Store<CachedIntrospection>>][] = [
  ['the in-memory store', () => Promise.resolve(createMemoryStore<CachedIntrospection>())],
  [
    'one Redis store in one namespace',
    async () => {
      const client = await connectRedis()
      onTestFinished(() => client.destroy())
      return createRedisStore<CachedIntrospection>({
        client,
        namespace: testNamespace('two-issuers'),
      })
    },
  ],
]

describe.each(stores)('two introspectors sharing %s', (_name, makeStore) => {
  it('never accepts a token introspected at one issuer through the other, even when the response has no iss', async () => {
    const store = await makeStore()
    const first = await apiOf(0, store)
    const second = await apiOf(1, store)
    const { running } = issuers[0]!
    // The first server vouches for anything, without iss: as some servers answer.
    const exp = Math.floor(Date.now() / 1000) + 300
    running.setFault('introspect', {
      body: JSON.stringify({ active: true, aud: 'https://api.test', sub: 'mallory', exp }),
    })
    onTestFinished(() => running.setFault('introspect', undefined))
    const token = 'opaque-token-of-the-first-issuer-0123456789'
    const atFirst = await request(first.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(atFirst.status).toBe(200)
    expect(atFirst.body.auth).toMatchObject({
      issuer: issuers[0]!.issuer.issuer,
      subject: 'mallory',
    })
    // The second server does not know the token: its answer, not the first one's, counts.
    const atSecond = await request(second.url).get('/pets').set('Authorization', `Bearer ${token}`)
    expect(atSecond.status).toBe(401)
    expect(atSecond.headers['www-authenticate']).toContain('error="invalid_token"')
  })
})
