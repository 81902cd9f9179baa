// `pnpm bench` (quick), `pnpm bench --full` and `pnpm bench --smoke` (CI): first what is not
// timed (the resilience and memory children, while the tokens are minted), then the
// in-process layer, then the HTTP layer; a report of ratios printed and, for quick and
// full runs, written to bench/RESULTS.md. See bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { mintTokens, startBenchIssuer, type BenchIssuer, type BenchTokens } from './bench-issuer.js'
import { BENCH_DIR, exchange, pinning, startChild, stopChild } from './child.js'
import type { ColdStartResultMessage, ColdStartStartMessage } from './cold-start-protocol.js'
import { coldStartSection } from './cold-start-report.js'
import { httpLayer, startHttpProcesses, warmUpHttp, type HttpRow } from './http-layer.js'
import type {
  InProcessResultMessage,
  InProcessRow,
  MemoryResultMessage,
  MemoryStartMessage,
  ResilienceResultMessage,
  ResilienceStartMessage,
  StartMessage,
} from './protocol.js'
import {
  httpSection,
  implementationsSection,
  inProcessSection,
  machineSection,
  memorySection,
  resilienceSection,
  type Measurements,
} from './results.js'
import { targetsSection } from './targets.js'
import { FULL, QUICK, SMOKE, type Settings } from './settings.js'
import { BENCH_ALGORITHMS } from './tokens.js'

const LAYERS = ['in-process', 'http', 'resilience', 'memory', 'cold-start'] as const
type Layer = (typeof LAYERS)[number]

const args = process.argv.slice(2).filter((arg) => arg !== '--')
const known = [
  '--full',
  '--smoke',
  '--wall-clock',
  '--cpu-prof',
  ...LAYERS.map((l) => `--only=${l}`),
]
for (const arg of args) {
  if (!known.includes(arg))
    throw new Error(`bench: unknown argument ${arg}; use ${known.join(', ')}`)
}
if (args.includes('--full') && args.includes('--smoke')) {
  throw new Error('bench: give --full or --smoke, not both')
}
const preset = args.includes('--full') ? FULL : args.includes('--smoke') ? SMOKE : QUICK
const settings: Settings = args.includes('--wall-clock')
  ? { ...preset, inProcess: { ...preset.inProcess, clock: 'wall' } }
  : preset
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length) as
  Layer | undefined
const runs = (layer: Layer): boolean => only === undefined || only === layer
const loadAtStart = loadavg()
const profileDir = join(BENCH_DIR, 'profiles')
const nodeFlags = args.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
if (nodeFlags.length > 0) mkdirSync(profileDir, { recursive: true })

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Runs `file` in an unpinned child, sends `start`, returns its `result`. */
async function runChild<T extends { type: 'result' }>(
  file: string,
  start: ResilienceStartMessage | MemoryStartMessage,
  flags: readonly string[] = [],
): Promise<T> {
  const child = startChild(file, [], { nodeFlags: flags })
  try {
    return await exchange<T>(child, 'result', start, 30 * 60_000)
  } finally {
    await stopChild(child)
  }
}

/** The cold starts: timed, so they run alone, the app servers on CPU 0, the client on CPU 1. */
async function coldStartLayer(): Promise<ColdStartResultMessage> {
  const { requests, repetitions } = settings.coldStart
  log(
    `cold start: ${requests} concurrent first requests, ${repetitions.warm} + ${repetitions.fresh} repetitions`,
  )
  const child = startChild('./cold-start.ts', [], { core: 1 })
  try {
    const start: ColdStartStartMessage = {
      type: 'start',
      settings: settings.coldStart,
      serverFlags: nodeFlags,
    }
    return await exchange<ColdStartResultMessage>(child, 'result', start, 30 * 60_000)
  } finally {
    await stopChild(child)
  }
}

async function inProcessLayer(bench: BenchIssuer, tokens: BenchTokens): Promise<InProcessRow[]> {
  const { repetitions, timeMs } = settings.inProcess
  log(
    `in-process: ${BENCH_ALGORITHMS.length} algorithms, ${repetitions} repetitions × ${timeMs} ms per task`,
  )
  const child = startChild('./in-process.ts', [], { core: 0, nodeFlags })
  try {
    const result = await exchange<InProcessResultMessage, StartMessage>(
      child,
      'result',
      {
        type: 'start',
        settings: settings.inProcess,
        config: bench.config,
        jwks: bench.issuer.jwks(),
        pools: tokens.pools,
        opaqueHot: tokens.opaque.hot,
      },
      30 * 60_000,
    )
    return [...result.rows]
  } finally {
    await stopChild(child)
  }
}

/** How this run was started, for the record: the package script, or node directly. */
function invocation(): string {
  const extra = args.join(' ')
  if (process.env.npm_lifecycle_event !== 'bench') {
    return `node ${[...process.execArgv, 'src/run.ts', ...args].join(' ')}`
  }
  const agent = process.env.npm_config_user_agent?.split('/')[0] ?? 'pnpm'
  const script = agent === 'npm' ? 'npm run bench' : `${agent} bench`
  return extra === '' ? script : `${script} ${extra}`
}

async function main(): Promise<void> {
  const command = invocation()
  const started = performance.now()
  const elapsed = (): string => `${Math.round((performance.now() - started) / 1000)} s`
  log(`bench: ${settings.name} run${only === undefined ? '' : `, ${only} only`}`)

  // Nothing here is timed, so it all runs at once: the resilience child waits out a JWKS
  // cooldown, the memory children feed their garbage, the HTTP servers load their code and,
  // once the runner has minted the tokens, warm up.
  const done = <T>(what: string, promise: Promise<T>): Promise<T> =>
    promise.then((value) => {
      log(`${what} done (${elapsed()})`)
      return value
    })
  const resilience = runs('resilience')
    ? done(
        'floods and outages',
        runChild<ResilienceResultMessage>('./resilience.ts', {
          type: 'start',
          settings: settings.resilience,
        } satisfies ResilienceStartMessage),
      )
    : Promise.resolve(undefined)
  const memory = runs('memory')
    ? done(
        'memory',
        Promise.all(
          (['verifier', 'jwtBearer'] as const).map(async (target) => {
            const start: MemoryStartMessage = { type: 'start', settings: settings.memory, target }
            return (await runChild<MemoryResultMessage>('./memory.ts', start, ['--expose-gc'])).row
          }),
        ),
      )
    : Promise.resolve(undefined)
  const bench =
    runs('in-process') || runs('http') ? await startBenchIssuer(BENCH_ALGORITHMS) : undefined
  let inProcess: InProcessRow[] = []
  let http: HttpRow[] = []
  let coldStart: ColdStartResultMessage | undefined
  try {
    const processes =
      bench !== undefined && runs('http')
        ? done('HTTP server start-up', startHttpProcesses(bench, settings.http, nodeFlags))
        : Promise.resolve(undefined)
    // Awaited below; this only keeps a failure while tokens are minted from going unhandled.
    processes.catch(() => undefined)
    const tokens =
      bench === undefined
        ? undefined
        : await mintTokens(bench, BENCH_ALGORITHMS, settings.poolSize, settings.opaqueCount)
    if (tokens !== undefined) log(`tokens minted (${elapsed()})`)
    // The HTTP servers warm up (unpinned) while the floods and the memory children finish.
    const warmed = processes.then(async (started) => {
      if (started !== undefined && bench !== undefined && tokens !== undefined) {
        await done('HTTP warm-up', warmUpHttp(bench, tokens, started, settings.http))
      }
      return started
    })
    const [resilienceResult, memoryRows, servers] = await Promise.all([resilience, memory, warmed])
    try {
      if (bench !== undefined && tokens !== undefined && runs('in-process')) {
        inProcess = await inProcessLayer(bench, tokens)
        log(`in-process done (${elapsed()})`)
      }
      if (bench !== undefined && tokens !== undefined && servers !== undefined) {
        http = await httpLayer(bench, servers, settings.http, log)
        log(`http done (${elapsed()})`)
      }
    } finally {
      await servers?.stop()
    }
    if (runs('cold-start')) {
      coldStart = await coldStartLayer()
      log(`cold start done (${elapsed()})`)
    }
    report(command, elapsed, {
      inProcess,
      http,
      resilience: resilienceResult,
      memory: memoryRows,
      coldStart,
    })
  } finally {
    await bench?.running.close()
  }
}

function report(command: string, elapsed: () => string, measurements: Measurements): void {
  const {
    inProcess,
    http,
    resilience: resilienceResult,
    memory: memoryRows,
    coldStart,
  } = measurements
  const report = [
    '# tokenguard benchmark results',
    '',
    'Ratios measured side by side in one run; absolute numbers vary with the machine and its load.',
    '',
    ...machineSection(command, settings, pinning(), loadAtStart),
    '## Targets',
    '',
    ...targetsSection(measurements),
    '## Implementations',
    '',
    ...implementationsSection(),
    ...(inProcess.length > 0
      ? [
          '## In-process (tinybench, µs per request)',
          '',
          'Core tasks call the verifier directly; middleware tasks call each middleware with the same fake Express request (no socket) and wait for `next()`.',
          '',
          ...inProcessSection(inProcess, settings),
        ]
      : []),
    ...(http.length > 0 ? ['## HTTP (autocannon, Express 5)', '', ...httpSection(http)] : []),
    ...(resilienceResult !== undefined
      ? ['## Floods and outages', '', ...resilienceSection(resilienceResult)]
      : []),
    ...(memoryRows !== undefined
      ? ['## Memory after garbage tokens', '', ...memorySection(memoryRows, settings)]
      : []),
    ...(coldStart !== undefined
      ? ['## Cold start (RS256, JWKS answered after 50 ms)', '', ...coldStartSection(coldStart)]
      : []),
  ].join('\n')
  process.stdout.write(`${report}\n`)
  // No timing is ever asserted; a scenario that never got its expected answer means the
  // harness itself is broken (a peer that no longer starts, a server that answers 500).
  const broken = http.filter((row) => row.expected === 0).map((row) => row.scenario.id)
  for (const row of coldStart?.rows ?? []) {
    if (row.samples.some((sample) => sample.statuses['200'] === undefined))
      broken.push(`cold start ${row.impl}`)
  }
  if (broken.length > 0) {
    log(`bench: no expected answer at all from ${broken.join(', ')}`)
    process.exitCode = 1
  }
  if (only === undefined && settings.name !== 'smoke') {
    writeFileSync(join(BENCH_DIR, 'RESULTS.md'), report)
    log(`written to bench/RESULTS.md in ${elapsed()}`)
  } else {
    log(`done in ${elapsed()} (RESULTS.md is written by complete quick and --full runs only)`)
  }
}

await main()
