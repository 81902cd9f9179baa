// By hand: the cache-hit scenarios of the HTTP layer alone, without the other scenarios of
// `pnpm bench` around them: bare Express, Express with one more middleware that only calls
// next(), tokenguard's jwtBearer and introspectionBearer and the seeds' node-cache middleware
// given one token again and again, each in its own server process, in alternation:
// node --conditions=@tokenguard/source --import tsx src/cache-hits-alone.ts [repetitions] [seconds]
// The servers are src/http-server.ts (pinned to CPU 0), the load src/http-load.ts (CPU 1).
import { mintTokens, startBenchIssuer } from './bench-issuer.js'
import { exchange, pin, startChild, stopChild } from './child.js'
import { formatRate, formatRatio, median, spread } from './report.js'
import type {
  LoadResultMessage,
  LoadRunMessage,
  ServerConfigMessage,
  ServerReadyMessage,
  ServerStatsMessage,
  ServerSpec,
} from './protocol.js'

const repetitions = Math.min(Number(process.argv[2] ?? 8), 40)
const seconds = Math.min(Number(process.argv[3] ?? 1.5), 10)
const CONNECTIONS = 10

const SERVERS: readonly {
  readonly name: string
  readonly spec: ServerSpec
  readonly opaque: boolean
}[] = [
  { name: 'bare Express', spec: { kind: 'bare' }, opaque: false },
  { name: 'a next() middleware', spec: { kind: 'next' }, opaque: false },
  {
    name: 'jwtBearer, hot token',
    spec: { kind: 'jwt', impl: 'tokenguard', alg: 'RS256' },
    opaque: false,
  },
  {
    name: 'introspectionBearer, hot token',
    spec: { kind: 'introspection', impl: 'tokenguard' },
    opaque: true,
  },
  {
    name: 'node-cache, hot token',
    spec: { kind: 'introspection', impl: 'node-cache' },
    opaque: true,
  },
]

const bench = await startBenchIssuer(['RS256'])
const { pools, opaque } = await mintTokens(bench, ['RS256'], 2, 1)
const jwtToken = pools[0]!.hot
const load = startChild('./http-load.ts', [], {})
const servers = await Promise.all(
  SERVERS.map(async ({ name, spec, opaque: isOpaque }) => {
    const child = startChild('./http-server.ts', [name], {})
    const { port } = await exchange<ServerReadyMessage, ServerConfigMessage>(
      child,
      'ready',
      { type: 'config', server: spec, config: bench.config, jwks: bench.issuer.jwks() },
      120_000,
    )
    pin(child, 0)
    return { name, child, url: `http://127.0.0.1:${port}`, token: isOpaque ? opaque.hot : jwtToken }
  }),
)
pin(load, 1)

const perCpuSec = new Map<string, number[]>(servers.map((server) => [server.name, []]))
try {
  for (let rep = 0; rep <= repetitions; rep++) {
    // The first round warms every server up (and fills its cache) and is not counted; then
    // the order is reversed every other round, so each side of a ratio goes first in turn.
    for (const server of rep % 2 === 0 ? servers : [...servers].reverse()) {
      await exchange<ServerStatsMessage>(server.child, 'stats', { type: 'stats' }, 10_000)
      const result = await exchange<LoadResultMessage, LoadRunMessage>(
        load,
        'result',
        {
          type: 'run',
          url: server.url,
          tokens: [server.token],
          connections: CONNECTIONS,
          durationSec: seconds,
        },
        seconds * 1000 + 60_000,
      )
      const stats = await exchange<ServerStatsMessage>(
        server.child,
        'stats',
        { type: 'stats' },
        10_000,
      )
      if ((result.statusCounts['200'] ?? 0) !== result.responses) {
        throw new Error(`bench: ${server.name} answered ${JSON.stringify(result.statusCounts)}`)
      }
      if (rep > 0) perCpuSec.get(server.name)!.push(result.responses / (stats.cpuMs / 1000))
    }
  }
} finally {
  await Promise.all([load, ...servers.map((server) => server.child)].map(stopChild))
  await bench.running.close()
}

const bare = perCpuSec.get('bare Express')!
for (const [name, values] of perCpuSec) {
  const ratios = values.map((value, i) => value / bare[i]!)
  console.log(
    `${name}: ${formatRate(median(values))} req per server CPU-s, ÷ bare ${formatRatio(median(ratios))} (spread ${spread(ratios)})`,
  )
}
