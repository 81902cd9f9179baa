// The HTTP layer, runner side: one server process per scenario (pinned to CPU 0), one load
// generator (pinned to CPU 1), every scenario once per repetition in a rotated order.
import type { ChildProcess } from 'node:child_process'
import { exchange, pin, startChild, stopChild } from './child.js'
import { JWT_IMPLEMENTATIONS } from './implementations.js'
import type { BenchIssuer, BenchTokens } from './bench-issuer.js'
import type {
  HttpScenario,
  JwtImplementationId,
  LoadResultMessage,
  LoadRunMessage,
  LoadTokensMessage,
  ServerConfigMessage,
  ServerReadyMessage,
  ServerStatsMessage,
  TokenListId,
} from './protocol.js'
import { formatRate, rotate } from './report.js'
import type { HttpSettings } from './settings.js'
import { badSignatures, type BenchAlgorithm } from './tokens.js'

export interface HttpRow {
  readonly scenario: HttpScenario
  readonly requestsPerSec: number[]
  /** Responses per CPU-second of the server process, one value per repetition. */
  readonly requestsPerCpuSec: number[]
  responses: number
  /** Responses with the scenario's expected status. */
  expected: number
  fullVerifications: number
  /** Calls the issuer's introspection endpoint received during the timed runs. */
  upstreamCalls: number
  readonly serverCpuShare: number[]
  readonly loadCpuShare: number[]
  readonly unexpected: Map<string, number>
  /**
   * Bare Express measured right beside this scenario in each repetition (before it in even
   * repetitions, after it in odd ones), for a scenario compared with bare Express; empty
   * for the others.
   */
  readonly bareBeside: { readonly requestsPerSec: number[]; readonly requestsPerCpuSec: number[] }
}

/**
 * The HTTP scenarios, in the order they run in each repetition (rotated from one repetition
 * to the next): each figure sits next to the one it is compared with, bare Express next to
 * the cache hits, the ceiling next to tokenguard's unique tokens, then the peers.
 */
export function httpScenarios(algorithms: readonly BenchAlgorithm[]): HttpScenario[] {
  const introspection = (
    impl: 'tokenguard' | 'node-cache',
    tokens: 'hot' | 'unique',
  ): HttpScenario => {
    const name =
      impl === 'tokenguard' ? 'tokenguard introspectionBearer' : "seeds' node-cache middleware"
    return {
      id: `introspection ${impl} ${tokens}`,
      label:
        tokens === 'hot'
          ? `${name}, hot token (cache hit)`
          : `${name}, unique tokens, ${UPSTREAM_LATENCY_MS} ms upstream`,
      group: 'introspection',
      server: { kind: 'introspection', impl },
      tokens: `opaque:${tokens}`,
      expectedStatus: 200,
    }
  }
  const scenarios: HttpScenario[] = [
    {
      id: 'bare',
      label: 'bare Express, JSON route',
      group: 'bare',
      server: { kind: 'bare' },
      tokens: `${algorithms[0] ?? 'RS256'}:hot`,
      expectedStatus: 200,
    },
    {
      id: 'next',
      label: 'Express with a middleware that only calls next()',
      group: 'bare',
      server: { kind: 'next' },
      tokens: `${algorithms[0] ?? 'RS256'}:hot`,
      expectedStatus: 200,
      besideBare: true,
    },
    { ...introspection('tokenguard', 'hot'), besideBare: true },
    { ...introspection('node-cache', 'hot'), besideBare: true },
  ]
  for (const alg of algorithms) {
    const jwt = (
      impl: JwtImplementationId,
      tokens: 'hot' | 'unique' | 'bad',
      label: string,
    ): HttpScenario => ({
      id: `${alg} ${impl} ${tokens}`,
      label,
      group: alg,
      server: { kind: 'jwt', impl, alg },
      tokens: `${alg}:${tokens}`,
      expectedStatus: tokens === 'bad' ? 401 : 200,
    })
    scenarios.push(
      { ...jwt('tokenguard', 'hot', 'tokenguard jwtBearer, hot token'), besideBare: true },
      {
        id: `${alg} ceiling`,
        label: 'node:crypto verify middleware (ceiling), unique tokens',
        group: alg,
        server: { kind: 'ceiling', alg },
        tokens: `${alg}:unique`,
        expectedStatus: 200,
      },
      jwt('tokenguard', 'unique', 'tokenguard jwtBearer, unique tokens'),
      jwt('tokenguard', 'bad', 'tokenguard jwtBearer, bad signatures (401)'),
    )
    for (const impl of JWT_IMPLEMENTATIONS) {
      if (impl.id === 'tokenguard' || !impl.algorithms.includes(alg)) continue
      scenarios.push(jwt(impl.id, 'unique', `${impl.label}, unique tokens`))
    }
  }
  scenarios.push(introspection('tokenguard', 'unique'), introspection('node-cache', 'unique'))
  return scenarios
}

/** Latency the issuer's introspection endpoint adds to every call during the HTTP layer. */
export const UPSTREAM_LATENCY_MS = 5

/** The HTTP servers and the load generator, started (not yet pinned) before the tokens exist. */
export interface HttpProcesses {
  readonly scenarios: readonly HttpScenario[]
  readonly servers: ReadonlyMap<string, { readonly child: ChildProcess; readonly url: string }>
  readonly load: ChildProcess
  /** Where each scenario goes on in its token list: the last run of it stopped there. */
  readonly offsets: Map<string, number>
  stop(): Promise<void>
}

const SMOKE_SCENARIOS = new Set([
  'bare',
  'next',
  'RS256 ceiling',
  'RS256 tokenguard unique',
  'RS256 tokenguard bad',
  'RS256 jose unique',
  'RS256 tokenguard hot',
  'introspection tokenguard hot',
  'introspection node-cache hot',
  'introspection node-cache unique',
])

/**
 * Starts one server per scenario and the load generator, unpinned so that they load their
 * code on every core while the runner mints tokens; {@link httpLayer} pins them.
 */
export async function startHttpProcesses(
  bench: BenchIssuer,
  settings: HttpSettings,
  nodeFlags: readonly string[],
): Promise<HttpProcesses> {
  const scenarios = httpScenarios(settings.algorithms).filter(
    (scenario) => settings.fewScenarios !== true || SMOKE_SCENARIOS.has(scenario.id),
  )
  const jwks = bench.issuer.jwks()
  const children: ChildProcess[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild))
  }
  try {
    const servers = new Map<string, { child: ChildProcess; url: string }>()
    const load = startChild('./http-load.ts', [], {})
    children.push(load)
    await Promise.all(
      scenarios.map(async (scenario) => {
        const child = startChild('./http-server.ts', [scenario.id], { nodeFlags })
        children.push(child)
        const { port } = await exchange<ServerReadyMessage, ServerConfigMessage>(
          child,
          'ready',
          { type: 'config', server: scenario.server, config: bench.config, jwks },
          180_000,
        )
        servers.set(scenario.id, { child, url: `http://127.0.0.1:${port}` })
      }),
    )
    return { scenarios, servers, load, offsets: new Map(), stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Runs the load of `scenario` for `seconds`; the scenario's next run goes on after it. */
async function fire(
  processes: HttpProcesses,
  scenario: HttpScenario,
  seconds: number,
  connections: number,
): Promise<LoadResultMessage> {
  const result = await exchange<LoadResultMessage, LoadRunMessage>(
    processes.load,
    'result',
    {
      type: 'run',
      url: processes.servers.get(scenario.id)!.url,
      list: scenario.tokens,
      offset: processes.offsets.get(scenario.id) ?? 0,
      connections,
      durationSec: seconds,
    },
    seconds * 1000 + 60_000,
  )
  // Each connection went through its own share of the list: skip what it used.
  const perConnection = Math.ceil(result.responses / connections) + 1
  processes.offsets.set(scenario.id, (processes.offsets.get(scenario.id) ?? 0) + perConnection)
  return result
}

/**
 * Gives the load generator every token list and warms every server up (JIT, caches, the
 * JWKS fetched), before anything is pinned: this runs while the floods and the memory
 * children finish, so it costs the timed part nothing.
 */
export async function warmUpHttp(
  bench: BenchIssuer,
  tokens: BenchTokens,
  processes: HttpProcesses,
  settings: HttpSettings,
): Promise<void> {
  const lists: Partial<Record<TokenListId, readonly string[]>> = {
    'opaque:hot': [tokens.opaque.hot],
    'opaque:unique': tokens.opaque.unique,
  }
  for (const pool of tokens.pools) {
    lists[`${pool.alg}:hot`] = [pool.hot]
    lists[`${pool.alg}:unique`] = pool.unique
    lists[`${pool.alg}:bad`] = badSignatures(pool.unique)
  }
  await exchange<{ type: 'tokens-ready' }, LoadTokensMessage>(
    processes.load,
    'tokens-ready',
    { type: 'tokens', lists },
    120_000,
  )
  bench.running.setFault('introspect', { delayMs: UPSTREAM_LATENCY_MS })
  for (const scenario of processes.scenarios) {
    await fire(processes, scenario, settings.warmupSec, settings.connections)
  }
}

/**
 * Pins the servers to CPU 0 and the load generator to CPU 1, lets every scenario settle on
 * its core, then runs every scenario once per repetition in a rotated order. Stops the
 * processes.
 */
export async function httpLayer(
  bench: BenchIssuer,
  processes: HttpProcesses,
  settings: HttpSettings,
  log: (line: string) => void,
): Promise<HttpRow[]> {
  const { repetitions, durationSec, settleSec, connections } = settings
  const { scenarios, servers, load } = processes
  log(
    `http: ${scenarios.length} scenarios × ${repetitions} repetitions × ${durationSec} s, ${connections} connections`,
  )
  bench.running.setFault('introspect', { delayMs: UPSTREAM_LATENCY_MS })
  try {
    for (const { child } of servers.values()) pin(child, 0)
    pin(load, 1)
    const stats = (scenario: HttpScenario): Promise<ServerStatsMessage> =>
      exchange<ServerStatsMessage>(
        servers.get(scenario.id)!.child,
        'stats',
        { type: 'stats' },
        10_000,
      )

    for (const scenario of scenarios) await fire(processes, scenario, settleSec, connections)
    const rows = new Map<string, HttpRow>(
      scenarios.map((scenario) => [
        scenario.id,
        {
          scenario,
          requestsPerSec: [],
          requestsPerCpuSec: [],
          responses: 0,
          expected: 0,
          fullVerifications: 0,
          upstreamCalls: 0,
          serverCpuShare: [],
          loadCpuShare: [],
          unexpected: new Map(),
          bareBeside: { requestsPerSec: [], requestsPerCpuSec: [] },
        },
      ]),
    )
    const bare = scenarios.find((scenario) => scenario.id === 'bare')
    /** Runs `scenario` once; its figures go to `into`, its own row unless given another. */
    const measure = async (scenario: HttpScenario, rep: number): Promise<void> => {
      await stats(scenario)
      const introspectionsBefore = bench.running.requests('/introspect')
      const result = await fire(processes, scenario, durationSec, connections)
      const server = await stats(scenario)
      const row = rows.get(scenario.id)!
      row.requestsPerSec.push(result.requestsPerSec)
      row.requestsPerCpuSec.push(result.responses / (server.cpuMs / 1000))
      row.responses += result.responses
      row.expected += result.statusCounts[String(scenario.expectedStatus)] ?? 0
      row.fullVerifications += server.fullVerifications
      row.upstreamCalls += bench.running.requests('/introspect') - introspectionsBefore
      // The server only works while the load runs: its CPU time over the sending time.
      row.serverCpuShare.push(server.cpuMs / result.sendingMs)
      row.loadCpuShare.push(result.cpuShare)
      for (const [status, count] of Object.entries(result.statusCounts)) {
        if (Number(status) !== scenario.expectedStatus) {
          row.unexpected.set(status, (row.unexpected.get(status) ?? 0) + count)
        }
      }
      if (result.errors > 0) {
        row.unexpected.set('errors', (row.unexpected.get('errors') ?? 0) + result.errors)
      }
      log(`  ${rep + 1}/${repetitions} ${scenario.id}: ${formatRate(result.requestsPerSec)} req/s`)
    }
    /** Bare Express once more, its figures kept for `scenario` (not in bare's own row). */
    const measureBareFor = async (scenario: HttpScenario, rep: number): Promise<void> => {
      if (bare === undefined) return
      const bareRow = rows.get(bare.id)!
      const before = bareRow.requestsPerSec.length
      await measure(bare, rep)
      const beside = rows.get(scenario.id)!.bareBeside
      beside.requestsPerSec.push(...bareRow.requestsPerSec.splice(before))
      beside.requestsPerCpuSec.push(...bareRow.requestsPerCpuSec.splice(before))
    }
    for (let rep = 0; rep < repetitions; rep++) {
      // Interleaved: every scenario once per repetition, a different one first each time and
      // the order reversed every other time, so each side of a ratio of neighbours (the
      // ceiling and tokenguard's unique tokens, the peers) goes first as often as the other.
      // A scenario compared with bare Express gets its own bare run right beside it.
      const order = rotate(scenarios, rep * 3)
      if (rep % 2 === 1) order.reverse()
      for (const scenario of order) {
        const paired = scenario.besideBare === true
        if (paired && rep % 2 === 0) await measureBareFor(scenario, rep)
        await measure(scenario, rep)
        if (paired && rep % 2 === 1) await measureBareFor(scenario, rep)
      }
    }
    return [...rows.values()]
  } finally {
    bench.running.setFault('introspect', undefined)
    await processes.stop()
  }
}
