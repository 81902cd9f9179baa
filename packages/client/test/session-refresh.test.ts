import { createRedisStore } from '@tokenguard/store-redis'
import { connectRedis, testNamespace } from '@tokenguard/test-support/redis-client'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { SessionRecord } from '../src/index.js'
import { Browser, countingStore, startWebLogin } from './web-fixture.js'

describe('req.oauth.getAccessToken()', () => {
  it('refreshes an expired access token once for 20 concurrent API calls of one session, and all 20 succeed', async () => {
    let clock = Date.now()
    const { apps, running } = await startWebLogin({ clock: () => clock })
    const app = apps[0]!
    const browser = new Browser()
    expect((await browser.follow(`${app.url}/login?returnTo=/me`)).status).toBe(200)
    running.resetRequests()
    clock += 400_000 // past the access token's 300 s
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => browser.get(`${app.url}/me`)),
    )
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200))
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as {
      active: boolean
    }[]
    expect(bodies.map((body) => body.active)).toEqual(Array.from({ length: 20 }, () => true))
    expect(running.requests('/token')).toBe(1)
  })

  it('ends the session cleanly when the refresh token was revoked: a 401 for API calls, login again for pages', async () => {
    let clock = Date.now()
    const { store, last } = countingStore()
    const { apps, server } = await startWebLogin({ clock: () => clock, stores: [store] })
    const app = apps[0]!
    const browser = new Browser()
    await browser.follow(`${app.url}/login?returnTo=/me`)
    server.issuer.revoke(last()?.refreshToken ?? '')
    clock += 400_000
    const api = await browser.get(`${app.url}/me`)
    expect(api.status).toBe(401)
    expect(await api.json()).toMatchObject({
      error: 'invalid_token',
      error_description: 'The session has ended; log in again',
    })
    const page = await browser.get(`${app.url}/pages/me`)
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?returnTo=%2Fpages%2Fme')
  })

  it('loses no session over 1,000 refresh cycles across 2 instances on one real Redis, with reuse detection on', async () => {
    const redis = await connectRedis()
    onTestFinished(() => redis.destroy())
    const namespace = testNamespace('sessions')
    const stores = [0, 1].map(() => createRedisStore<SessionRecord>({ client: redis, namespace }))
    let clock = Date.now()
    const { apps, running } = await startWebLogin({
      instances: 2,
      stores,
      clock: () => clock,
      login: { sessionTtlSec: 1_000_000_000 },
    })
    const browser = new Browser()
    expect((await browser.follow(`${apps[0]!.url}/login?returnTo=/me`)).status).toBe(200)
    running.resetRequests()
    const failures: number[] = []
    for (let cycle = 0; cycle < 1000; cycle++) {
      clock += 400_000
      const answers = await Promise.all(
        apps.flatMap((app) => [browser.get(`${app.url}/me`), browser.get(`${app.url}/me`)]),
      )
      if (answers.some((answer) => answer.status !== 200)) failures.push(cycle)
      await Promise.all(answers.map((answer) => answer.arrayBuffer()))
      if (failures.length > 0) break
    }
    expect(failures).toEqual([])
    // One refresh per cycle: the two instances never both spent the same refresh token.
    expect(running.requests('/token')).toBe(1000)
  }, 120_000)
})
