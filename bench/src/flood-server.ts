// The server side of the flood (bench/src/flood.ts), in its own process so the client's work
// does not blur its memory and CPU: the PetStore example (JWTs, and opaque tokens introspected
// at the issuer), and a local test issuer whose request counters tell how often the JWKS was
// fetched. Talks to the parent over IPC.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createIntrospector } from '@tokenguard/introspect'
import { createTestIssuer, DEFAULT_TEST_CLIENT } from '@tokenguard/test-tokens'
import { createPetstoreApp } from '../../examples/petstore/src/app.js'
import type { FloodReady, FloodRequest, FloodStats } from './flood-protocol.js'

const AUDIENCE = 'https://api.petstore.test'

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256'], audience: AUDIENCE })
  const running = await issuer.listen()
  let serverErrors = 0
  const upstreamErrors: Record<string, number> = Object.create(null) as Record<string, number>
  const introspector = createIntrospector({
    issuer: issuer.issuer,
    audience: AUDIENCE,
    introspectionEndpoint: running.introspectionEndpoint,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: DEFAULT_TEST_CLIENT.client_id,
      clientSecret: DEFAULT_TEST_CLIENT.client_secret,
    },
  })
  let slowestIntrospectionMs = 0
  introspector.on('upstream', ({ durationMs }) => {
    slowestIntrospectionMs = Math.max(slowestIntrospectionMs, durationMs)
  })
  // Why the introspection endpoint failed, when it did (messages name the URL, never a token).
  introspector.on('error', ({ error }) => {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : ''
    const key = `${error.message}${cause}`
    upstreamErrors[key] = (upstreamErrors[key] ?? 0) + 1
  })
  const app = createPetstoreApp({
    jwt: { issuer: issuer.issuer, audience: AUDIENCE },
    introspection: introspector,
    logError: () => {
      serverErrors++
    },
  })
  const server = createServer(app)
  server.keepAliveTimeout = 10_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const stats = (): FloodStats => {
    const memory = process.memoryUsage()
    return {
      type: 'stats',
      rssBytes: memory.rss,
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      heapUsedBytes: memory.heapUsed,
      jwksFetches: running.requests('/jwks.json'),
      discoveryFetches: running.requests('/.well-known/openid-configuration'),
      introspections: running.requests('/introspect'),
      serverErrors,
      upstreamErrors: { ...upstreamErrors },
      slowestIntrospectionMs,
    }
  }

  process.on('message', (message: FloodRequest) => {
    if (message.type === 'stats') process.send?.(stats())
    if (message.type === 'gc') {
      globalThis.gc?.()
      process.send?.(stats())
    }
    if (message.type === 'reset') {
      slowestIntrospectionMs = 0
      for (const key of Object.keys(upstreamErrors)) delete upstreamErrors[key]
    }
    if (message.type === 'stop') {
      server.closeAllConnections()
      server.close()
      void running.close().then(() => process.exit(0))
    }
  })

  const ready: FloodReady = {
    type: 'ready',
    url,
    issuer: issuer.issuer,
    audience: AUDIENCE,
    kids: issuer.jwks().keys.map((key) => key.kid),
    validToken: await issuer.sign({ scope: 'pets:read' }, { expiresInSec: 3_600 }),
  }
  process.send?.(ready)
}

main().catch((error: unknown) => {
  console.error('flood-server:', error)
  process.exit(1)
})
