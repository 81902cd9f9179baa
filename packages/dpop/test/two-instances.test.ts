import { oauthErrorHandler } from '@tokenguard/core'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import { createRedisStore } from '@tokenguard/store-redis'
import {
  createDpopClient,
  createTestIssuer,
  type DpopClient,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectRedis,
  testNamespace,
  type TestRedisClient,
} from '@tokenguard/test-support/redis-client'
import { echoAuth, frameworks, serve, type LocalServer } from '@tokenguard/test-support/serve'
import { dpop } from '../src/index.js'

const ORIGIN = 'https://api.test'
let issuer: TestIssuer
let running: RunningIssuer
let client: DpopClient
let redisA: TestRedisClient
let redisB: TestRedisClient
let apps: LocalServer[]

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] })
  running = await issuer.listen()
  client = await createDpopClient()
  ;[redisA, redisB] = await Promise.all([connectRedis(), connectRedis()])
  const namespace = testNamespace('dpop-two-instances')
  // Two API instances: each its own verifier, its own Redis connection, one Redis.
  apps = await Promise.all(
    [redisA, redisB].map((redis) => {
      const middleware = jwtBearer({
        verifier: createJwtVerifier({ issuer: issuer.issuer, audience: issuer.audience }),
        dpop: dpop({
          publicOrigin: ORIGIN,
          replayStore: createRedisStore<true>({ client: redis, namespace }),
        }),
      })
      return serve(frameworks[0]!.app([middleware, echoAuth], [oauthErrorHandler()]))
    }),
  )
})

afterAll(async () => {
  await Promise.all([...apps.map((app) => app.close()), running.close()])
  redisA.destroy()
  redisB.destroy()
})

describe('dpop() with a Redis replay store shared by two instances', () => {
  it('refuses on the second instance a proof the first one accepted', async () => {
    const token = await issuer.sign({ cnf: { jkt: client.jkt } })
    const proof = await client.proof({
      method: 'GET',
      url: `${ORIGIN}/api/pets`,
      accessToken: token,
    })
    const send = (app: LocalServer) =>
      request(app.url).get('/api/pets').set('Authorization', `DPoP ${token}`).set('DPoP', proof)
    const [a, b] = apps as [LocalServer, LocalServer]
    expect((await send(a)).status).toBe(200)
    const replay = await send(b)
    expect(replay.status).toBe(401)
    expect(replay.headers['www-authenticate']).toContain('The DPoP proof was already used')
  })

  it('lets exactly one of two instances accept a proof sent to both at once', async () => {
    const token = await issuer.sign({ cnf: { jkt: client.jkt } })
    const proof = await client.proof({
      method: 'GET',
      url: `${ORIGIN}/api/pets`,
      accessToken: token,
    })
    const statuses = await Promise.all(
      apps.flatMap((app) =>
        Array.from({ length: 5 }, () =>
          request(app.url)
            .get('/api/pets')
            .set('Authorization', `DPoP ${token}`)
            .set('DPoP', proof),
        ),
      ),
    )
    expect(statuses.filter((res) => res.status === 200)).toHaveLength(1)
    expect(statuses.filter((res) => res.status === 401)).toHaveLength(9)
  })
})
