// The redaction benchmark, run from bench/:
//   node --conditions=@tokenguard/source --import tsx src/redact-bench.ts [--full]
// 1. Cost per log line of @tokenguard/redact's pino integration as a ratio to pino's own path
//    redaction, on the same objects, in the same run, and which secrets each lets through.
// 2. The share of a request's CPU cost that requestLogger adds, against bare Express: in
//    process, with real node:http objects on a discarding socket (src/redact-drive.ts), and
//    over HTTP, each server in its own process and autocannon in another (src/http-load.ts).
import { randomBytes } from 'node:crypto'
import { availableParallelism, cpus } from 'node:os'
import { Bench } from 'tinybench'
import { exchange, pinning, startChild, stopChild } from './child.js'
import type { LoadResultMessage, LoadRunMessage } from './protocol.js'
import { scenarioApp } from './redact-apps.js'
import { driver } from './redact-drive.js'
import { buildLines, PINO_CONFIGS, write, type LogLine, type PinoConfig } from './redact-lines.js'
import {
  REDACT_SCENARIO_LABELS,
  REDACT_SCENARIOS,
  type RedactScenario,
  type RedactServerReady,
  type RedactServerStats,
} from './redact-protocol.js'
import { formatRatio, markdownTable, median, rotate, spread } from './report.js'

const args = process.argv.slice(2).filter((arg) => arg !== '--')
for (const arg of args) {
  if (arg !== '--full') throw new Error(`bench: unknown argument ${arg}; use --full`)
}
const full = args.includes('--full')
const settings = full
  ? { repetitions: 9, timeMs: 1_000, warmupMs: 250, httpRepetitions: 5, durationSec: 10 }
  : { repetitions: 5, timeMs: 250, warmupMs: 50, httpRepetitions: 3, durationSec: 3 }
const noop = { write: (_line: string): void => {} }

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** CPU time of this process (all threads, user and system), in ms. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** The secrets of `secrets` that reach the output of each configuration, per line. */
function leaks(lines: readonly LogLine[], secrets: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const config of PINO_CONFIGS) {
    const missed: string[] = []
    for (const line of lines) {
      let output = ''
      write(config.create({ write: (text) => void (output += text) }), line)
      if (secrets.some((secret) => output.includes(secret))) missed.push(line.id)
    }
    found.set(config.id, missed)
  }
  return found
}

/** Microseconds of CPU per log line, one value per repetition, by `config:line` and `config:all`. */
async function timeLines(lines: readonly LogLine[]): Promise<Map<string, number[]>> {
  const tasks: { id: string; fn: () => void }[] = []
  for (const config of PINO_CONFIGS) {
    const logger = config.create(noop)
    for (const line of lines)
      tasks.push({ id: `${config.id}:${line.id}`, fn: () => write(logger, line) })
    tasks.push({ id: `${config.id}:all`, fn: () => lines.forEach((line) => write(logger, line)) })
  }
  const samples = new Map<string, number[]>(tasks.map((task) => [task.id, []]))
  for (let rep = 0; rep < settings.repetitions; rep++) {
    const bench = new Bench({
      now: cpuNow,
      time: settings.timeMs,
      warmupTime: settings.warmupMs,
      iterations: 16,
      throws: true,
    })
    for (const task of rotate(tasks, rep * 3)) bench.add(task.id, task.fn)
    await bench.run()
    for (const task of tasks) {
      const meanMs = bench.getTask(task.id)?.result?.latency.mean ?? Number.NaN
      const perLine = task.id.endsWith(':all') ? meanMs / lines.length : meanMs
      samples.get(task.id)!.push(perLine * 1000)
    }
    log(`  in-process repetition ${rep + 1}/${settings.repetitions} done`)
  }
  return samples
}

/** Microseconds of CPU per request through each scenario's app, in process. */
async function timeDrivenRequests(token: string): Promise<Map<RedactScenario, number[]>> {
  const requests = REDACT_SCENARIOS.map((scenario) => {
    const request = driver(
      scenarioApp(scenario, () => {}),
      { authorization: `Bearer ${token}` },
    )
    return { scenario, fn: async () => void (await request()) }
  })
  const samples = new Map<RedactScenario, number[]>(REDACT_SCENARIOS.map((id) => [id, []]))
  for (let rep = 0; rep < settings.repetitions; rep++) {
    const bench = new Bench({
      now: cpuNow,
      time: settings.timeMs,
      warmupTime: settings.warmupMs,
      iterations: 16,
      throws: true,
    })
    for (const { scenario, fn } of rotate(requests, rep)) bench.add(scenario, fn)
    await bench.run()
    for (const { scenario } of requests) {
      const meanMs = bench.getTask(scenario)?.result?.latency.mean ?? Number.NaN
      samples.get(scenario)!.push(meanMs * 1000)
    }
  }
  return samples
}

interface HttpRow {
  readonly scenario: RedactScenario
  readonly cpuUsPerRequest: number[]
  readonly requestsPerSec: number[]
  responses: number
  lines: number
  unexpected: number
}

async function timeRequests(): Promise<HttpRow[]> {
  const servers = new Map(
    REDACT_SCENARIOS.map((scenario) => [
      scenario,
      startChild('redact-server.ts', [scenario], { core: 0 }),
    ]),
  )
  const load = startChild('http-load.ts', [], { core: 1 })
  try {
    const urls = new Map<RedactScenario, string>()
    for (const [scenario, child] of servers) {
      const ready = await exchange<RedactServerReady>(child, 'ready', { type: 'config' }, 30_000)
      urls.set(scenario, `http://127.0.0.1:${ready.port}`)
    }
    // Requests carry a bearer token, as the API's would; the route does not check it.
    const header = Buffer.from('{"alg":"RS256","typ":"at+jwt"}').toString('base64url')
    const tokens = Array.from(
      { length: 64 },
      () =>
        `${header}.${randomBytes(96).toString('base64url')}.${randomBytes(256).toString('base64url')}`,
    )
    const run = async (scenario: RedactScenario, durationSec: number) => {
      const server = servers.get(scenario)!
      await exchange<RedactServerStats>(server, 'stats', { type: 'stats' }, 10_000)
      const message: LoadRunMessage = {
        type: 'run',
        url: urls.get(scenario)!,
        tokens,
        connections: 10,
        durationSec,
      }
      const result = await exchange<LoadResultMessage>(
        load,
        'result',
        message,
        (durationSec + 30) * 1000,
      )
      const stats = await exchange<RedactServerStats>(server, 'stats', { type: 'stats' }, 10_000)
      return { result, stats }
    }
    for (const scenario of REDACT_SCENARIOS) await run(scenario, 1)
    const rows = REDACT_SCENARIOS.map((scenario): HttpRow => ({
      scenario,
      cpuUsPerRequest: [],
      requestsPerSec: [],
      responses: 0,
      lines: 0,
      unexpected: 0,
    }))
    for (let rep = 0; rep < settings.httpRepetitions; rep++) {
      for (const scenario of rotate(REDACT_SCENARIOS, rep)) {
        const { result, stats } = await run(scenario, settings.durationSec)
        const row = rows.find((candidate) => candidate.scenario === scenario)!
        row.cpuUsPerRequest.push((stats.cpuMs * 1000) / result.responses)
        row.requestsPerSec.push(result.requestsPerSec)
        row.responses += result.responses
        row.lines += stats.lines
        row.unexpected += result.responses - (result.statusCounts['200'] ?? 0) + result.errors
      }
      log(`  HTTP repetition ${rep + 1}/${settings.httpRepetitions} done`)
    }
    return rows
  } finally {
    await Promise.all([load, ...servers.values()].map((child) => stopChild(child)))
  }
}

function lineReport(
  lines: readonly LogLine[],
  samples: Map<string, number[]>,
  missed: Map<string, string[]>,
): string {
  const us = (config: PinoConfig, line: string): number =>
    median(samples.get(`${config.id}:${line}`)!)
  const byId = new Map(PINO_CONFIGS.map((config) => [config.id, config]))
  const ours = byId.get('ours')!
  const paths = byId.get('paths')!
  const typical = byId.get('typical')!
  const cost = markdownTable(
    ['configuration', 'µs CPU per line (mix)', 'spread', 'lines that leak a secret'],
    PINO_CONFIGS.map((config) => [
      config.label,
      us(config, 'all').toFixed(2),
      spread(samples.get(`${config.id}:all`)!),
      `${missed.get(config.id)!.length} of ${lines.length}${missed.get(config.id)!.length > 0 ? ` (${missed.get(config.id)!.join(', ')})` : ''}`,
    ]),
  )
  const ratios = markdownTable(
    ['line', 'createPinoRedaction ÷ PINO_REDACT_PATHS', '÷ typical paths', '÷ no redaction'],
    [
      ...lines.map((line) => [line.label, line.id] as const),
      ['mix of all five', 'all'] as const,
    ].map(([label, id]) => [
      label,
      formatRatio(us(ours, id) / us(paths, id)),
      formatRatio(us(ours, id) / us(typical, id)),
      formatRatio(us(ours, id) / us(byId.get('plain')!, id)),
    ]),
  )
  return `${cost}\n\n${ratios}`
}

function drivenReport(samples: Map<RedactScenario, number[]>): string {
  const bare = median(samples.get('bare')!)
  return markdownTable(
    ['app', 'µs CPU per request', 'spread', 'share added over bare'],
    REDACT_SCENARIOS.map((scenario) => {
      const cost = median(samples.get(scenario)!)
      return [
        REDACT_SCENARIO_LABELS[scenario],
        cost.toFixed(1),
        spread(samples.get(scenario)!),
        scenario === 'bare' ? '-' : `${(((cost - bare) / cost) * 100).toFixed(1)}%`,
      ]
    }),
  )
}

function httpReport(rows: readonly HttpRow[]): string {
  const bare = median(rows.find((row) => row.scenario === 'bare')!.cpuUsPerRequest)
  return markdownTable(
    [
      'server',
      'µs CPU per request',
      'spread',
      'share added over bare',
      'req/s (wall)',
      'lines/request',
      'unexpected',
    ],
    rows.map((row) => {
      const cost = median(row.cpuUsPerRequest)
      return [
        REDACT_SCENARIO_LABELS[row.scenario],
        cost.toFixed(1),
        spread(row.cpuUsPerRequest),
        row.scenario === 'bare' ? '-' : `${(((cost - bare) / cost) * 100).toFixed(1)}%`,
        Math.round(median(row.requestsPerSec)).toLocaleString('en-US'),
        (row.lines / row.responses).toFixed(2),
        String(row.unexpected),
      ]
    }),
  )
}

const { lines, secrets } = buildLines()
log(
  `redact bench (${full ? 'full' : 'quick'}): ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
)
const missed = leaks(lines, secrets)
log('timing log lines...')
const samples = await timeLines(lines)
log('timing requests in process...')
const driven = await timeDrivenRequests(secrets[0]!)
log(
  `timing requests${pinning() ? ' (servers on CPU 0, load on CPU 1)' : ' (not pinned: no taskset or one core)'}...`,
)
const http = await timeRequests()
const command = `node --conditions=@tokenguard/source --import tsx src/redact-bench.ts${full ? ' --full' : ''}`
process.stdout.write(
  [
    `## Redaction (${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version})`,
    '',
    `\`${command}\` (from bench/). CPU time per log line, median of ${settings.repetitions} repetitions; pino writes to a no-op destination.`,
    '',
    lineReport(lines, samples, missed),
    '',
    `Request logging, in process: CPU per GET /pets through Express with real node:http objects on a discarding socket (no kernel, no HTTP parser, so the share is an upper bound), median of ${settings.repetitions}.`,
    '',
    drivenReport(driven),
    '',
    `Request logging over HTTP: server CPU per request under autocannon (10 connections, ${settings.httpRepetitions} × ${settings.durationSec} s per server), median.`,
    '',
    httpReport(http),
    '',
  ].join('\n'),
)
