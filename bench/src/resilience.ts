// The resilience scenarios, started by src/run.ts: what each middleware does to its issuer
// under an unknown-kid flood, during a JWKS outage, with 100 concurrent introspection
// misses, and during an introspection outage. Counts and statuses, not speed: it runs
// while nothing is timed. It has its own test issuer on 127.0.0.1 (faults, added keys
// and request counters of its own), and real Express apps on 127.0.0.1.
import { randomBytes } from 'node:crypto'
import { Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTestIssuer, DEFAULT_TEST_CLIENT } from '@tokenguard/test-tokens'
import type { RunningIssuer, TestIssuer } from '@tokenguard/test-tokens'
import express, { type ErrorRequestHandler, type RequestHandler } from 'express'
import { childChannel } from './child.js'
import { INTROSPECTION_IMPLEMENTATIONS, JWT_IMPLEMENTATIONS } from './implementations.js'
import type {
  BenchIssuerConfig,
  ConcurrentMissRow,
  FloodRow,
  IntrospectionOutageRow,
  JwksOutageRow,
  ResilienceResultMessage,
  ResilienceSettings,
  ResilienceStartMessage,
  StatusCounts,
} from './protocol.js'
import { EXPIRES_IN_SEC, headerOf, withHeader } from './tokens.js'

/** tokenguard's default unknown-kid cooldown, plus a margin. */
const COOLDOWN_WAIT_MS = 31_000
const CONCURRENT_MISSES = 100
const UPSTREAM_LATENCY_MS = 5

interface App {
  readonly port: number
  close(): Promise<void>
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT_MISSES })

/** GET `path` on 127.0.0.1:`port` with a bearer token; resolves with the status, or 'error'. */
function get(port: number, token: string, path = '/pets'): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(String(res.statusCode)))
      },
    )
    req.on('error', () => resolve('error'))
    req.end()
  })
}

function count(statuses: readonly string[]): StatusCounts {
  const counts: Record<string, number> = {}
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1
  return counts
}

async function startApp(
  middleware: RequestHandler,
  errorHandler: ErrorRequestHandler,
): Promise<App> {
  const app = express()
  app.get('/health', (_req, res) => {
    res.end()
  })
  app.get('/pets', middleware, (_req, res) => {
    res.json({ pets: [] })
  })
  app.use(errorHandler)
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function expectStatus(app: App, token: string, wanted: string, what: string): Promise<void> {
  const status = await get(app.port, token)
  if (status !== wanted) throw new Error(`bench: ${what} answered ${status}, not ${wanted}`)
}

/** Sends unknown-kid tokens from `concurrency` loops for `seconds`; counts JWKS fetches. */
async function flood(
  app: App,
  running: RunningIssuer,
  template: string,
  settings: ResilienceSettings,
): Promise<Omit<FloodRow, 'impl'>> {
  const header = headerOf(template)
  running.resetRequests()
  const statuses: string[] = []
  const started = performance.now()
  const until = started + settings.floodSec * 1000
  await Promise.all(
    Array.from({ length: settings.floodConcurrency }, async () => {
      while (performance.now() < until) {
        const token = withHeader(template, {
          ...header,
          kid: randomBytes(12).toString('base64url'),
        })
        statuses.push(await get(app.port, token))
      }
    }),
  )
  return {
    requests: statuses.length,
    seconds: (performance.now() - started) / 1000,
    jwksFetches: running.requests('/jwks.json'),
    statuses: count(statuses),
  }
}

/** 100 requests at once, on sockets opened beforehand, with one token nobody has seen. */
async function concurrentMisses(
  issuer: TestIssuer,
  running: RunningIssuer,
  config: BenchIssuerConfig,
): Promise<ConcurrentMissRow[]> {
  const rows: ConcurrentMissRow[] = []
  running.setFault('introspect', { delayMs: UPSTREAM_LATENCY_MS })
  for (const impl of INTROSPECTION_IMPLEMENTATIONS) {
    const app = await startApp(await impl.create(config), impl.errorHandler)
    try {
      await Promise.all(
        Array.from({ length: CONCURRENT_MISSES }, () => get(app.port, '-', '/health')),
      )
      const token = issuer.issueOpaque({ scope: 'pets:read' }, { expiresInSec: EXPIRES_IN_SEC })
      running.resetRequests()
      const statuses = await Promise.all(
        Array.from({ length: CONCURRENT_MISSES }, () => get(app.port, token)),
      )
      rows.push({
        impl: impl.id,
        requests: statuses.length,
        upstreamCalls: running.requests('/introspect'),
        statuses: count(statuses),
      })
    } finally {
      await app.close()
    }
  }
  running.setFault('introspect', undefined)
  return rows
}

/** A token introspected before the endpoint fails, and fresh ones during the outage. */
async function introspectionOutage(
  issuer: TestIssuer,
  running: RunningIssuer,
  config: BenchIssuerConfig,
  requests: number,
): Promise<IntrospectionOutageRow[]> {
  const opaque = (): string =>
    issuer.issueOpaque({ scope: 'pets:read' }, { expiresInSec: EXPIRES_IN_SEC })
  const rows: IntrospectionOutageRow[] = []
  for (const impl of INTROSPECTION_IMPLEMENTATIONS) {
    const app = await startApp(await impl.create(config), impl.errorHandler)
    try {
      const cachedToken = opaque()
      await expectStatus(app, cachedToken, '200', `${impl.id} with an active opaque token`)
      const fresh = Array.from({ length: requests }, opaque)
      running.setFault('introspect', { status: 503 })
      const cached: string[] = []
      for (let i = 0; i < requests; i++) cached.push(await get(app.port, cachedToken))
      const answers: string[] = []
      for (const token of fresh) answers.push(await get(app.port, token))
      rows.push({ impl: impl.id, cached: count(cached), fresh: count(answers) })
    } finally {
      running.setFault('introspect', undefined)
      await app.close()
    }
  }
  return rows
}

async function runResilience(settings: ResilienceSettings): Promise<ResilienceResultMessage> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'] })
  const running = await issuer.listen()
  const config: BenchIssuerConfig = {
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: running.jwksUri,
    introspectionEndpoint: running.introspectionEndpoint,
    clientId: DEFAULT_TEST_CLIENT.client_id,
    clientSecret: DEFAULT_TEST_CLIENT.client_secret,
  }
  const apps: App[] = []
  const start = async (impl: (typeof JWT_IMPLEMENTATIONS)[number]): Promise<App> => {
    const app = await startApp(await impl.create(config, 'RS256', {}), impl.errorHandler)
    apps.push(app)
    return app
  }
  try {
    const oldKid = issuer.key('RS256').kid
    const sign = (n: number): Promise<string> =>
      issuer.sign({ scope: 'pets:read', n }, { alg: 'RS256', expiresInSec: EXPIRES_IN_SEC })
    const template = await sign(-1)
    // The outage and flood middlewares fetch the JWKS first, so that the cooldown after
    // that fetch runs out while the introspection cases are measured.
    const outageApps = new Map<string, App>()
    const floodApps = new Map<string, App>()
    await Promise.all(
      JWT_IMPLEMENTATIONS.map(async (impl) => {
        const [outageApp, floodApp] = await Promise.all([start(impl), start(impl)])
        await expectStatus(outageApp, template, '200', `${impl.id} with a valid token`)
        await expectStatus(floodApp, template, '200', `${impl.id} with a valid token`)
        outageApps.set(impl.id, outageApp)
        floodApps.set(impl.id, floodApp)
      }),
    )
    const warmedAt = performance.now()

    const misses = await concurrentMisses(issuer, running, config)
    const introspectionDown = await introspectionOutage(
      issuer,
      running,
      config,
      settings.outageRequests,
    )

    if (settings.waitForCooldown) {
      await sleep(Math.max(0, warmedAt + COOLDOWN_WAIT_MS - performance.now()))
    }
    const floods: FloodRow[] = []
    for (const impl of JWT_IMPLEMENTATIONS) {
      floods.push({
        impl: impl.id,
        ...(await flood(floodApps.get(impl.id)!, running, template, settings)),
      })
    }

    // A key the outage middlewares have never seen, then the JWKS fails.
    const known = await Promise.all(
      Array.from({ length: settings.outageRequests }, (_, n) =>
        issuer.sign({ scope: 'pets:read', n }, { kid: oldKid, expiresInSec: EXPIRES_IN_SEC }),
      ),
    )
    await issuer.addKey('RS256')
    const rotated = await Promise.all(
      Array.from({ length: settings.outageRequests }, (_, n) => sign(n)),
    )
    const outageAfterSec = (performance.now() - warmedAt) / 1000
    running.setFault('jwks', { status: 503 })
    const jwksOutage: JwksOutageRow[] = []
    for (const impl of JWT_IMPLEMENTATIONS) {
      const app = outageApps.get(impl.id)!
      running.resetRequests()
      const knownKid: string[] = []
      for (const token of known) knownKid.push(await get(app.port, token))
      const newKid: string[] = []
      for (const token of rotated) newKid.push(await get(app.port, token))
      jwksOutage.push({
        impl: impl.id,
        knownKid: count(knownKid),
        newKid: count(newKid),
        jwksAttempts: running.requests('/jwks.json'),
      })
    }
    running.setFault('jwks', undefined)
    return {
      type: 'result',
      floods,
      jwksOutage,
      outageAfterSec,
      concurrentMisses: misses,
      upstreamLatencyMs: UPSTREAM_LATENCY_MS,
      introspectionOutage: introspectionDown,
    }
  } finally {
    await Promise.all(apps.map((app) => app.close()))
    agent.destroy()
    await running.close()
  }
}

const channel = childChannel(20 * 60_000)
channel.on<ResilienceStartMessage>('start', async ({ settings }) => {
  channel.send(await runResilience(settings))
})
