// `pnpm bench` (quick) and `pnpm bench -- --full`: the in-process layer, then the HTTP layer,
// then a table of ratios printed and written to bench/RESULTS.md. See bench/README.md.
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, platform, release } from 'node:os'
import { join } from 'node:path'
import { createTestIssuer } from '@tokenguard/test-tokens'
import { BENCH_DIR, exchange, pinning, startChild, stopChild } from './child.js'
import {
  EXPECTED_STATUS,
  IN_PROCESS_KINDS,
  IN_PROCESS_LABELS,
  SCENARIO_LABELS,
  SCENARIOS,
  type InProcessResultMessage,
  type InProcessRow,
  type InProcessSettings,
  type LoadResultMessage,
  type LoadRunMessage,
  type Scenario,
  type ServerConfigMessage,
  type ServerReadyMessage,
  type ServerStatsMessage,
  type StartMessage,
} from './protocol.js'
import { formatRate, formatRatio, markdownTable, median, rotate, spread } from './report.js'
import { BENCH_ALGORITHMS, mintPool, type TokenPool } from './tokens.js'

interface HttpSettings {
  readonly repetitions: number
  readonly durationSec: number
  readonly warmupSec: number
  readonly connections: number
  readonly poolSize: number
}

interface Settings {
  readonly inProcess: InProcessSettings
  readonly http: HttpSettings
}

const QUICK: Settings = {
  inProcess: { clock: 'cpu', repetitions: 5, timeMs: 200, warmupMs: 50, poolSize: 2_000 },
  http: { repetitions: 5, durationSec: 3, warmupSec: 1, connections: 10, poolSize: 2_000 },
}
const FULL: Settings = {
  inProcess: { clock: 'cpu', repetitions: 9, timeMs: 1_000, warmupMs: 250, poolSize: 2_000 },
  http: { repetitions: 5, durationSec: 15, warmupSec: 3, connections: 10, poolSize: 2_000 },
}

interface HttpRow {
  readonly scenario: Scenario
  readonly requestsPerSec: number[]
  /** Responses per CPU-second of the server process, one value per repetition. */
  readonly requestsPerCpuSec: number[]
  responses: number
  fullVerifications: number
  serverCpuShare: number[]
  loadCpuShare: number[]
  readonly unexpected: Map<string, number>
}

const args = process.argv.slice(2).filter((arg) => arg !== '--')
const known = ['--full', '--wall-clock', '--cpu-prof', '--only=in-process', '--only=http']
for (const arg of args) {
  if (!known.includes(arg))
    throw new Error(`bench: unknown argument ${arg}; use ${known.join(', ')}`)
}
const full = args.includes('--full')
const preset = full ? FULL : QUICK
const settings: Settings = args.includes('--wall-clock')
  ? { ...preset, inProcess: { ...preset.inProcess, clock: 'wall' } }
  : preset
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const profileDir = join(BENCH_DIR, 'profiles')
const nodeFlags = args.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
if (nodeFlags.length > 0) mkdirSync(profileDir, { recursive: true })

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

async function inProcessLayer(): Promise<InProcessRow[]> {
  const { repetitions, timeMs } = settings.inProcess
  log(
    `in-process: ${BENCH_ALGORITHMS.length * IN_PROCESS_KINDS.length} tasks × ${repetitions} repetitions × ${timeMs} ms`,
  )
  const child = startChild('./in-process.ts', [], { core: 0, nodeFlags })
  try {
    const result = await exchange<InProcessResultMessage, StartMessage>(
      child,
      'result',
      { type: 'start', settings: settings.inProcess },
      20 * 60_000,
    )
    return [...result.rows]
  } finally {
    await stopChild(child)
  }
}

async function httpLayer(): Promise<HttpRow[]> {
  const { repetitions, durationSec, warmupSec, connections, poolSize } = settings.http
  log(
    `http: ${SCENARIOS.length} scenarios × ${repetitions} repetitions × ${durationSec} s, ${connections} connections`,
  )
  const issuer = await createTestIssuer({ algorithms: ['RS256'] })
  const pool = await mintPool(issuer, 'RS256', poolSize)
  const config: ServerConfigMessage = {
    type: 'config',
    jwks: issuer.jwks(),
    issuer: issuer.issuer,
    audience: issuer.audience,
  }
  const children: ChildProcess[] = []
  try {
    const servers = new Map<Scenario, { child: ChildProcess; url: string }>()
    await Promise.all(
      SCENARIOS.map(async (scenario) => {
        const child = startChild('./http-server.ts', [scenario], { core: 0, nodeFlags })
        children.push(child)
        const { port } = await exchange<ServerReadyMessage>(child, 'ready', config, 60_000)
        servers.set(scenario, { child, url: `http://127.0.0.1:${port}` })
      }),
    )
    const load = startChild('./http-load.ts', [], { core: 1 })
    children.push(load)
    const fire = (scenario: Scenario, seconds: number): Promise<LoadResultMessage> =>
      exchange<LoadResultMessage, LoadRunMessage>(
        load,
        'result',
        {
          type: 'run',
          url: servers.get(scenario)!.url,
          tokens: tokensFor(scenario, pool),
          connections,
          durationSec: seconds,
        },
        seconds * 1000 + 60_000,
      )
    const stats = (scenario: Scenario): Promise<ServerStatsMessage> =>
      exchange<ServerStatsMessage>(servers.get(scenario)!.child, 'stats', { type: 'stats' }, 10_000)

    for (const scenario of SCENARIOS) await fire(scenario, warmupSec)
    const rows = new Map<Scenario, HttpRow>(
      SCENARIOS.map((scenario) => [
        scenario,
        {
          scenario,
          requestsPerSec: [],
          requestsPerCpuSec: [],
          responses: 0,
          fullVerifications: 0,
          serverCpuShare: [],
          loadCpuShare: [],
          unexpected: new Map(),
        },
      ]),
    )
    for (let rep = 0; rep < repetitions; rep++) {
      // Interleaved: every scenario once per repetition, a different one first each time.
      for (const scenario of rotate(SCENARIOS, rep)) {
        await stats(scenario)
        const started = performance.now()
        const result = await fire(scenario, durationSec)
        const server = await stats(scenario)
        const elapsedMs = performance.now() - started
        const row = rows.get(scenario)!
        row.requestsPerSec.push(result.requestsPerSec)
        row.requestsPerCpuSec.push(result.responses / (server.cpuMs / 1000))
        row.responses += result.responses
        row.fullVerifications += server.fullVerifications
        row.serverCpuShare.push(server.cpuMs / elapsedMs)
        row.loadCpuShare.push(result.cpuShare)
        for (const [status, count] of Object.entries(result.statusCounts)) {
          if (Number(status) !== EXPECTED_STATUS[scenario]) {
            row.unexpected.set(status, (row.unexpected.get(status) ?? 0) + count)
          }
        }
        if (result.errors > 0) {
          row.unexpected.set('errors', (row.unexpected.get('errors') ?? 0) + result.errors)
        }
        log(`  ${rep + 1}/${repetitions} ${scenario}: ${formatRate(result.requestsPerSec)} req/s`)
      }
    }
    return [...rows.values()]
  } finally {
    await Promise.all(children.map(stopChild))
  }
}

function tokensFor(scenario: Scenario, pool: TokenPool): readonly string[] {
  switch (scenario) {
    case 'bare':
    case 'hot':
      // The bare route gets the same header, so requests are the same size everywhere.
      return [pool.hot]
    case 'unique':
    case 'jose':
      return pool.unique
    case 'bad':
      return pool.bad
  }
}

function inProcessSection(rows: readonly InProcessRow[]): string[] {
  const lines: string[] = []
  for (const alg of BENCH_ALGORITHMS) {
    const of = (kind: string): InProcessRow | undefined =>
      rows.find((row) => row.alg === alg && row.kind === kind)
    const ceiling = median(of('ceiling')?.opsPerSec ?? [Number.NaN])
    const table = IN_PROCESS_KINDS.map((kind) => {
      const values = of(kind)?.opsPerSec ?? [Number.NaN]
      return [
        IN_PROCESS_LABELS[kind],
        formatRate(median(values)),
        spread(values),
        formatRatio(median(values) / ceiling),
      ]
    })
    lines.push(
      `### ${alg}`,
      '',
      markdownTable(
        [
          'task',
          settings.inProcess.clock === 'cpu' ? 'ops per CPU-s' : 'ops/s',
          'spread',
          '× ceiling',
        ],
        table,
      ),
      '',
    )
  }
  return lines
}

function httpSection(rows: readonly HttpRow[]): string[] {
  const bare = rows.find((row) => row.scenario === 'bare')
  const bareWall = median(bare?.requestsPerSec ?? [Number.NaN])
  const bareCpu = median(bare?.requestsPerCpuSec ?? [Number.NaN])
  const table = rows.map((row) => [
    SCENARIO_LABELS[row.scenario],
    formatRate(median(row.requestsPerSec)),
    spread(row.requestsPerSec),
    formatRatio(median(row.requestsPerSec) / bareWall),
    formatRate(median(row.requestsPerCpuSec)),
    spread(row.requestsPerCpuSec),
    formatRatio(median(row.requestsPerCpuSec) / bareCpu),
    row.scenario === 'bare' || row.scenario === 'jose'
      ? '-'
      : (row.fullVerifications / Math.max(1, row.responses)).toFixed(3),
    `${Math.round(median(row.serverCpuShare) * 100)}%`,
    `${Math.round(median(row.loadCpuShare) * 100)}%`,
    row.unexpected.size === 0
      ? 'yes'
      : [...row.unexpected].map(([status, count]) => `${status}×${count}`).join(' '),
  ])
  return [
    markdownTable(
      [
        'scenario (RS256)',
        'req/s',
        'spread',
        '× bare',
        'req per server CPU-s',
        'spread',
        '× bare',
        'full verifications / req',
        'server CPU',
        'load CPU',
        'statuses as expected',
      ],
      table,
    ),
    '',
    'req/s is wall-clock throughput; req per server CPU-s divides the responses by the CPU time the server process used, so time it spent descheduled on a shared machine does not count. Server CPU near 100% means the server was the bottleneck, as intended; load CPU near 100% would mean the load generator was.',
    '',
  ]
}

function targetsSection(inProcess: readonly InProcessRow[], http: readonly HttpRow[]): string[] {
  const ops = (alg: string, kind: string): number =>
    median(inProcess.find((row) => row.alg === alg && row.kind === kind)?.opsPerSec ?? [Number.NaN])
  const httpRow = (scenario: Scenario): HttpRow | undefined =>
    http.find((row) => row.scenario === scenario)
  const rps = (scenario: Scenario): number =>
    median(httpRow(scenario)?.requestsPerSec ?? [Number.NaN])
  const rpc = (scenario: Scenario): number =>
    median(httpRow(scenario)?.requestsPerCpuSec ?? [Number.NaN])
  const check = (name: string, target: number, value: number, wall?: number): string[] => [
    name,
    `≥ ${target.toFixed(2)}×`,
    formatRatio(value),
    wall === undefined ? '-' : formatRatio(wall),
    Number.isNaN(value) ? 'not measured' : value >= target ? 'met' : 'BELOW',
  ]
  const rows = [
    ...BENCH_ALGORITHMS.map((alg) =>
      check(
        `${alg} unique tokens ÷ node:crypto ceiling (in-process)`,
        0.9,
        ops(alg, 'unique') / ops(alg, 'ceiling'),
      ),
    ),
    check(
      'hot token ÷ bare Express (HTTP)',
      0.95,
      rpc('hot') / rpc('bare'),
      rps('hot') / rps('bare'),
    ),
    ...BENCH_ALGORITHMS.map((alg) =>
      check(
        `${alg} bad signature ÷ valid unique token (in-process)`,
        1,
        ops(alg, 'bad') / ops(alg, 'unique'),
      ),
    ),
    check(
      'bad signatures ÷ valid unique tokens (HTTP)',
      1,
      rpc('bad') / rpc('unique'),
      rps('bad') / rps('unique'),
    ),
  ]
  const clock = settings.inProcess.clock === 'cpu' ? 'per CPU-second' : 'per wall-clock second'
  return [
    markdownTable(['target', 'wanted', 'measured', 'HTTP wall-clock', ''], rows),
    '',
    `In-process ratios are of operations ${clock}; HTTP ratios of requests per server CPU-second, with the wall-clock ratio beside.`,
    `tokenguard ÷ jose on unique RS256 tokens: ${formatRatio(ops('RS256', 'unique') / ops('RS256', 'jose'))} in-process, ${formatRatio(rpc('unique') / rpc('jose'))} over HTTP.`,
    '',
  ]
}

function machineSection(command: string): string[] {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown'
  return [
    `- machine: ${cpu}, ${availableParallelism()} cores, ${platform()} ${release()}`,
    `- Node ${process.version}`,
    `- date: ${new Date().toISOString()}`,
    `- command: \`${command}\``,
    `- in-process: ${settings.inProcess.repetitions} interleaved repetitions of ${settings.inProcess.timeMs} ms (${settings.inProcess.clock === 'cpu' ? 'process CPU time' : 'wall clock'}) per task, pools of ${settings.inProcess.poolSize} tokens, one process pinned to CPU 0, medians`,
    `- HTTP: ${settings.http.repetitions} interleaved repetitions of ${settings.http.durationSec} s per scenario, ${settings.http.connections} connections, ${
      pinning()
        ? 'servers pinned to CPU 0, load generator to CPU 1 (taskset)'
        : 'no pinning (taskset or a second core missing)'
    }, medians`,
    '',
  ]
}

/** How this run was started, for the record: the package script, or node directly. */
function invocation(): string {
  const extra = args.join(' ')
  if (process.env.npm_lifecycle_event !== 'bench') {
    return `node ${[...process.execArgv, 'src/run.ts', ...args].join(' ')}`
  }
  const agent = process.env.npm_config_user_agent?.split('/')[0] ?? 'pnpm'
  const script = agent === 'npm' ? 'npm run bench' : `${agent} bench`
  return extra === '' ? script : `${script} -- ${extra}`
}

async function main(): Promise<void> {
  const command = invocation()
  const started = performance.now()
  const inProcess = only === 'http' ? [] : await inProcessLayer()
  const http = only === 'in-process' ? [] : await httpLayer()
  const report = [
    '# tokenguard benchmark results',
    '',
    'Ratios measured side by side in one run; absolute numbers vary with the machine and its load.',
    '',
    ...machineSection(command),
    '## Targets',
    '',
    ...targetsSection(inProcess, http),
    ...(inProcess.length > 0
      ? ['## In-process (tinybench)', '', ...inProcessSection(inProcess)]
      : []),
    ...(http.length > 0 ? ['## HTTP (autocannon, Express 5)', '', ...httpSection(http)] : []),
  ].join('\n')
  process.stdout.write(`${report}\n`)
  if (only === undefined) {
    writeFileSync(join(BENCH_DIR, 'RESULTS.md'), report)
    log(`written to bench/RESULTS.md in ${Math.round((performance.now() - started) / 1000)} s`)
  }
}

await main()
