// Cold start: 100 concurrent first requests, each with its own valid token, against a fresh
// middleware (empty JWKS cache) whose issuer answers the JWKS after 50 ms. Started by
// src/run.ts, or by hand to profile one implementation:
//
//   node --conditions=@tokenguard/source --import tsx src/cold-start.ts \
//     [--mode=warm|fresh] [--only=tokenguard,aws-jwt-verify] [--repetitions=N] [--warmups=N]
//     [--requests=N] [--cpu-prof-dir=DIR]
//
// This process holds the test issuer (on one port for the whole run, restarted before each
// app so no connection to it is reused) and the client; the apps run in another process
// (src/cold-start-server.ts), one fresh app and middleware per implementation and repetition:
// in one server process that served the earlier ones (warm mode: only the middleware is
// cold), then in a new process each time (fresh mode: a server that just started). Every
// socket to the app is open before the timed requests are sent.
import type { ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { createTestIssuer } from '@tokenguard/test-tokens'
import type { RunningIssuer, TestIssuer } from '@tokenguard/test-tokens'
import { childChannel, exchange, startChild, stopChild } from './child.js'
import type {
  ColdAppMessage,
  ColdAppReadyMessage,
  ColdStartResultMessage,
  ColdStartRow,
  ColdStartSample,
  ColdStartMode,
  ColdStartSettings,
  ColdStartStartMessage,
} from './cold-start-protocol.js'
import { coldStartSection } from './cold-start-report.js'
import { JWT_IMPLEMENTATIONS } from './implementations.js'
import type { BenchIssuerConfig, JwtImplementationId } from './protocol.js'
import { rotate } from './report.js'
import { mintPool } from './tokens.js'

const REQUEST_TIMEOUT_MS = 10_000

/** GET `path` with a bearer token; resolves with the status (or 'error') and the latency. */
function get(
  agent: Agent,
  port: number,
  path: string,
  token: string,
): Promise<{ status: string; ms: number }> {
  const started = performance.now()
  return new Promise((resolve) => {
    const done = (status: string) => resolve({ status, ms: performance.now() - started })
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume()
        res.on('end', () => done(String(res.statusCode)))
      },
    )
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')))
    req.on('error', () => done('error'))
    req.end()
  })
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
}

/** One cold start: sockets opened first, then every token at once. */
async function sample(
  port: number,
  tokens: readonly string[],
): Promise<Omit<ColdStartSample, 'jwksRequests'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: tokens.length })
  try {
    await Promise.all(tokens.map(() => get(agent, port, '/health', '-')))
    const answers = await Promise.all(tokens.map((token) => get(agent, port, '/pets', token)))
    const sorted = answers.map((answer) => answer.ms).sort((a, b) => a - b)
    const statuses: Record<string, number> = {}
    for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1
    return {
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      maxMs: sorted.at(-1) ?? Number.NaN,
      statuses,
    }
  } finally {
    agent.destroy()
  }
}

interface Context {
  readonly issuer: TestIssuer
  running: RunningIssuer
  readonly issuerPort: number
  readonly config: BenchIssuerConfig
  readonly tokens: readonly string[]
}

/** The app server: one process for every cold start, or a new one each time. */
function appServer(mode: ColdStartMode, serverFlags: readonly string[]) {
  const start = (): ChildProcess =>
    startChild('./cold-start-server.ts', [], { core: 0, nodeFlags: serverFlags })
  let server = mode === 'warm' ? start() : undefined
  return {
    async app(impl: JwtImplementationId, config: BenchIssuerConfig): Promise<number> {
      if (mode === 'fresh') {
        if (server !== undefined) await stopChild(server)
        server = start()
      }
      const message: ColdAppMessage = { type: 'app', impl, config }
      const ready = await exchange<ColdAppReadyMessage>(server!, 'ready', message, 60_000)
      return ready.port
    },
    stop: async (): Promise<void> => {
      if (server !== undefined) await stopChild(server)
    },
  }
}

async function runMode(
  context: Context,
  mode: ColdStartMode,
  settings: ColdStartSettings,
  serverFlags: readonly string[],
): Promise<ColdStartRow[]> {
  const impls: JwtImplementationId[] = JWT_IMPLEMENTATIONS.map((impl) => impl.id).filter(
    (id) => settings.only === undefined || settings.only.includes(id),
  )
  const samples = new Map<JwtImplementationId, ColdStartSample[]>(impls.map((id) => [id, []]))
  const warmups = mode === 'warm' ? settings.warmups : 0
  const server = appServer(mode, serverFlags)
  try {
    for (let rep = 0; rep < warmups + settings.repetitions[mode]; rep++) {
      // Each implementation goes first in turn, and every other repetition in reverse order.
      const rotated = rotate(impls, rep >> 1)
      for (const impl of rep % 2 === 0 ? rotated : rotated.reverse()) {
        // A new listener on the same port: the app's first JWKS request opens a connection.
        await context.running.close()
        context.running = await context.issuer.listen({ port: context.issuerPort })
        context.running.setFault('jwks', { delayMs: settings.jwksDelayMs })
        const port = await server.app(impl, context.config)
        const measured = await sample(port, context.tokens)
        const row = { ...measured, jwksRequests: context.running.requests('/jwks.json') }
        if (rep >= warmups) samples.get(impl)?.push(row)
      }
    }
  } finally {
    await server.stop()
  }
  return impls.map((impl) => ({ mode, impl, samples: samples.get(impl) ?? [] }))
}

async function runColdStart(
  settings: ColdStartSettings,
  serverFlags: readonly string[],
): Promise<ColdStartRow[]> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'] })
  const running = await issuer.listen()
  const pool = await mintPool(issuer, 'RS256', Math.max(2, settings.requests))
  const context: Context = {
    issuer,
    running,
    issuerPort: Number(new URL(running.url).port),
    config: {
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: running.jwksUri,
      introspectionEndpoint: running.introspectionEndpoint,
      clientId: '-',
      clientSecret: '-',
    },
    tokens: pool.unique.slice(0, settings.requests),
  }
  try {
    const rows: ColdStartRow[] = []
    for (const mode of ['warm', 'fresh'] as const) {
      if (settings.repetitions[mode] > 0)
        rows.push(...(await runMode(context, mode, settings, serverFlags)))
    }
    return rows
  } finally {
    await context.running.close()
  }
}

/** `--name=value` of the command line, when run by hand. */
function argument(name: string): string | undefined {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)
}

if (process.send === undefined) {
  const only = argument('only')?.split(',') as JwtImplementationId[] | undefined
  const repetitions = Number(argument('repetitions') ?? 5)
  const mode = argument('mode')
  const settings: ColdStartSettings = {
    requests: Number(argument('requests') ?? 100),
    repetitions: {
      warm: mode === 'fresh' ? 0 : repetitions,
      fresh: mode === 'warm' ? 0 : repetitions,
    },
    warmups: Number(argument('warmups') ?? 1),
    jwksDelayMs: 50,
    ...(only === undefined ? {} : { only }),
  }
  const dir = argument('cpu-prof-dir')
  const flags =
    dir === undefined ? [] : ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${dir}`]
  const rows = await runColdStart(settings, flags)
  process.stdout.write(`${coldStartSection({ type: 'result', rows, settings }).join('\n')}\n`)
} else {
  const channel = childChannel(20 * 60_000)
  channel.on<ColdStartStartMessage>('start', async ({ settings, serverFlags }) => {
    const rows = await runColdStart(settings, serverFlags)
    channel.send({ type: 'result', rows, settings } satisfies ColdStartResultMessage)
  })
}
