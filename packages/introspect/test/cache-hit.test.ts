import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  createMemoryStore,
  oauthErrorHandler,
  type AuthContext,
  type Middleware,
  type Store,
} from '@tokenguard/core'
import { frameworks, serve } from '@tokenguard/test-support/serve'
import { createTestIssuer, DEFAULT_TEST_CLIENT, type RunningIssuer } from '@tokenguard/test-tokens'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import {
  createIntrospector,
  introspectionBearer,
  type CachedIntrospection,
  type IntrospectionBearerOptions,
} from '../src/index.js'
import { defaultClientOptions } from './support/default-client-options.js'

// A cached introspection result is answered without a promise when the store can answer at
// once (the default in-memory store): `next` runs before the middleware returns, and every
// hit hands out the one AuthContext built for that result. A store that can only answer
// asynchronously (Redis) keeps the async path, and still saves the upstream call.

let issuer: Awaited<ReturnType<typeof createTestIssuer>>
let running: RunningIssuer

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'], clients: [DEFAULT_TEST_CLIENT] })
  running = await issuer.listen()
})

afterAll(async () => {
  await running.close()
})

function options(extra: Partial<IntrospectionBearerOptions> = {}): IntrospectionBearerOptions {
  return defaultClientOptions(issuer, extra)
}

interface Seen {
  /** Whether `next` ran before the middleware returned. */
  readonly synchronous: boolean
  readonly auth: AuthContext | undefined
}

/** Serves `middleware` on every framework's app, recording how each request went on. */
async function recordingApp(
  middleware: Middleware,
  framework = frameworks[0]!,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const probe: Middleware = (req, res, next) => {
    let returned = false
    let synchronous = false
    middleware(req, res, (err?: unknown) => {
      synchronous = !returned
      if (err === undefined) {
        seen.push({ synchronous, auth: (req as IncomingMessage & { auth?: AuthContext }).auth })
      } else {
        seen.push({ synchronous, auth: undefined })
      }
      next(err)
    })
    returned = true
  }
  const answer: Middleware = (_req, res: ServerResponse) => {
    res.setHeader('content-type', 'application/json')
    res.end('{}')
  }
  const app = await serve(framework.app([probe, answer], [oauthErrorHandler()]))
  onTestFinished(() => app.close())
  return { url: app.url, seen }
}

const introspections = (): number => running.requests('/introspect')

describe('introspection cache hits', () => {
  for (const framework of frameworks) {
    it(`calls next before the middleware returns on a cache hit, on ${framework.name}`, async () => {
      const { url, seen } = await recordingApp(introspectionBearer(options()), framework)
      const token = issuer.issueOpaque({ scope: 'pets:read' })
      const before = introspections()
      for (let i = 0; i < 5; i++) {
        await request(url).get('/pets').set('Authorization', `Bearer ${token}`).expect(200)
      }
      expect(introspections() - before).toBe(1)
      expect(seen.map((entry) => entry.synchronous)).toEqual([false, true, true, true, true])
    })
  }

  it('hands out one AuthContext per cached result, and another for another token', async () => {
    const { url, seen } = await recordingApp(introspectionBearer(options()))
    const [first, second] = [issuer.issueOpaque({ n: 1 }), issuer.issueOpaque({ n: 2 })]
    for (const token of [first, first, first, second, second]) {
      await request(url).get('/pets').set('Authorization', `Bearer ${token}`).expect(200)
    }
    const contexts = seen.map((entry) => entry.auth)
    expect(contexts[1]).toBe(contexts[0])
    expect(contexts[2]).toBe(contexts[0])
    expect(contexts[3]).not.toBe(contexts[0])
    expect(contexts[4]).toBe(contexts[3])
    expect(contexts[0]?.token).toBe(first)
    expect(contexts[3]?.token).toBe(second)
    expect(Object.isFrozen(contexts[0]?.claims)).toBe(true)
  })

  it('refuses a cached inactive result at once, without asking again', async () => {
    const { url, seen } = await recordingApp(introspectionBearer(options()))
    const token = issuer.issueOpaque({})
    issuer.revoke(token)
    const before = introspections()
    for (let i = 0; i < 3; i++) {
      const res = await request(url).get('/pets').set('Authorization', `Bearer ${token}`)
      expect(res.status).toBe(401)
    }
    expect(introspections() - before).toBe(1)
    expect(seen.map((entry) => entry.synchronous)).toEqual([false, true, true])
  })

  it('holds a cached result to the claim rules on every hit, and never serves it past exp', async () => {
    let now = Date.now()
    const introspector = createIntrospector({ ...options(), now: () => now } as never)
    const expSec = Math.floor(now / 1000) + 60
    const token = issuer.issueOpaque({}, { expiresInSec: 60 })
    await expect(introspector.introspect(token)).resolves.toMatchObject({ expiresAt: expSec })
    const before = introspections()
    now += 30_000
    expect(introspector.check(token)).toMatchObject({ expiresAt: expSec })
    expect(introspections() - before).toBe(0)
    now += 40_000
    const late = introspector.check(token)
    expect(late).toBeInstanceOf(Promise)
    await expect(late).rejects.toMatchObject({ status: 401, reason: 'token_expired' })
  })

  it('keeps the async path with a store that cannot answer at once, and still saves the upstream call', async () => {
    const memory = createMemoryStore<CachedIntrospection>()
    const gets: string[] = []
    const asyncOnly: Store<CachedIntrospection> = {
      get: (key) => {
        gets.push(key)
        return memory.get(key)
      },
      set: (key, value, ttlMs) => memory.set(key, value, ttlMs),
      delete: (key) => memory.delete(key),
    }
    const { url, seen } = await recordingApp(introspectionBearer(options({ store: asyncOnly })))
    const token = issuer.issueOpaque({})
    const before = introspections()
    for (let i = 0; i < 3; i++) {
      await request(url).get('/pets').set('Authorization', `Bearer ${token}`).expect(200)
    }
    expect(introspections() - before).toBe(1)
    expect(gets).toHaveLength(3)
    expect(new Set(gets).size).toBe(1)
    expect(seen.map((entry) => entry.synchronous)).toEqual([false, false, false])
  })

  it('goes the async way and reports the failure when a store answering at once throws', async () => {
    const memory = createMemoryStore<CachedIntrospection>()
    const broken: Store<CachedIntrospection> = {
      get: (key) => memory.get(key),
      getNow: () => {
        throw new Error('store broke')
      },
      set: (key, value, ttlMs) => memory.set(key, value, ttlMs),
      delete: (key) => memory.delete(key),
    }
    const introspector = createIntrospector({ ...options(), store: broken } as never)
    const failures: unknown[] = []
    introspector.on('store_error', (event) => failures.push(event.error))
    const token = issuer.issueOpaque({})
    const before = introspections()
    await expect(introspector.introspect(token)).resolves.toMatchObject({ source: 'introspection' })
    await expect(introspector.introspect(token)).resolves.toMatchObject({ source: 'introspection' })
    expect(introspections() - before).toBe(1)
    expect(failures).toHaveLength(2)
    expect(failures[0]).toMatchObject({ message: 'store broke' })
  })
})
