// The report: every section of bench/RESULTS.md, from the rows the layers measured.
import { availableParallelism, cpus, loadavg, platform, release } from 'node:os'
import type { ColdStartResultMessage } from './cold-start-protocol.js'
import type { HttpRow } from './http-layer.js'
import { UPSTREAM_LATENCY_MS } from './http-layer.js'
import {
  INTROSPECTION_IMPLEMENTATIONS,
  JWT_IMPLEMENTATIONS,
  versionsOf,
} from './implementations.js'
import type { InProcessKind, InProcessRow, MemoryRow, ResilienceResultMessage } from './protocol.js'
import {
  COOLDOWN_SEC,
  FETCH_BUDGET_PER_MINUTE,
  formatRate,
  formatRatio,
  markdownTable,
  mb,
  median,
  ratioOf,
  spread,
  statuses,
} from './report.js'
import type { Settings } from './settings.js'
import { BENCH_ALGORITHMS } from './tokens.js'

/** Everything one run measured; a layer that did not run is empty or undefined. */
export interface Measurements {
  readonly inProcess: readonly InProcessRow[]
  readonly http: readonly HttpRow[]
  readonly resilience: ResilienceResultMessage | undefined
  readonly memory: readonly MemoryRow[] | undefined
  /** The cold starts (src/cold-start.ts), when they ran. */
  readonly coldStart?: ColdStartResultMessage | undefined
}

const CORE_LABELS: Readonly<
  Record<
    | 'ceiling'
    | 'floor'
    | 'unique'
    | 'hot'
    | 'bad'
    | 'mw-hot:next'
    | 'mw-hot:tokenguard'
    | 'mw-hot:introspection-tokenguard'
    | 'mw-hot:introspection-node-cache',
    string
  >
> = {
  ceiling: 'node:crypto verify on a prepared KeyObject (ceiling)',
  floor: 'the decoding floor: the ceiling plus splitting, decoding and parsing the token',
  unique: 'tokenguard verifier core (check), unique tokens, cache off',
  hot: 'tokenguard verifier core (check), hot token, cache on',
  bad: 'tokenguard verifier core (check), bad signatures, cache off',
  'mw-hot:next': 'middleware: one that only calls next(), hot token',
  'mw-hot:tokenguard': 'middleware: tokenguard jwtBearer, hot token (cache hit)',
  'mw-hot:introspection-tokenguard':
    'middleware: tokenguard introspectionBearer, hot opaque token (cache hit)',
  'mw-hot:introspection-node-cache':
    "middleware: the seeds' node-cache introspection, hot opaque token (cache hit)",
}

function kindLabel(kind: InProcessKind): string {
  if (kind === 'mw-bad:tokenguard') return 'middleware: tokenguard jwtBearer, bad signatures (401)'
  if (kind.startsWith('mw:')) {
    const impl = JWT_IMPLEMENTATIONS.find((candidate) => `mw:${candidate.id}` === kind)
    return `middleware: ${impl?.label ?? kind}, unique tokens`
  }
  return CORE_LABELS[kind as keyof typeof CORE_LABELS]
}

export function machineSection(
  command: string,
  settings: Settings,
  pinned: boolean,
  loadAtStart: readonly number[],
): string[] {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown'
  const { inProcess, http } = settings
  const load = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(' ')
  return [
    `- machine: ${cpu}, ${availableParallelism()} cores, ${platform()} ${release()}; load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end (other processes share these cores: see the spread columns)`,
    `- Node ${process.version}; ${versionsOf(['express', 'tinybench', 'autocannon'])}`,
    `- date: ${new Date().toISOString()}`,
    `- command: \`${command}\` (${settings.name})`,
    `- tokens: ${formatRate(settings.poolSize)} distinct JWTs per algorithm, sent round and round (each evicted from tokenguard's result cache of 10,000 before it comes back) and ${formatRate(settings.opaqueCount)} opaque tokens, all from one local test issuer (\`@tokenguard/test-tokens\`) listening on 127.0.0.1; every middleware fetches its JWKS from it over HTTP and checks iss and aud`,
    `- in-process: ${inProcess.repetitions} interleaved repetitions of ${inProcess.timeMs} ms (${inProcess.clock === 'cpu' ? 'process CPU time' : 'wall clock'}) per task, one process pinned to CPU 0, medians`,
    `- HTTP: ${http.repetitions} interleaved repetitions of ${http.durationSec} s per scenario after a ${http.warmupSec} s warm-up, ${http.connections} connections, ${
      pinned
        ? 'servers pinned to CPU 0, load generator to CPU 1 (taskset)'
        : 'no pinning (taskset or a second core missing)'
    }, the issuer unpinned in the runner, medians; JWT scenarios for ${http.algorithms.join(', ')}${
      http.algorithms.length < BENCH_ALGORITHMS.length ? ' (every algorithm with `--full`)' : ''
    }`,
    '',
  ]
}

export function implementationsSection(): string[] {
  const rows = [
    ...JWT_IMPLEMENTATIONS.map((impl) => [
      impl.label,
      versionsOf(impl.packages),
      impl.algorithms.join(', '),
    ]),
    ...INTROSPECTION_IMPLEMENTATIONS.map((impl) => [
      impl.label,
      versionsOf(impl.packages),
      'opaque tokens',
    ]),
  ]
  return [
    markdownTable(['implementation', 'versions', 'runs'], rows),
    '',
    'express-jwt and passport-jwt verify with jsonwebtoken, which has no EdDSA: they run RS256 and ES256 only. The peers are written as their READMEs and the seeds write them (`bench/src/peers/`).',
    '',
  ]
}

export function inProcessSection(rows: readonly InProcessRow[], settings: Settings): string[] {
  const lines: string[] = []
  for (const alg of BENCH_ALGORITHMS) {
    const of = (kind: InProcessKind): readonly number[] | undefined =>
      rows.find((row) => row.alg === alg && row.kind === kind)?.opsPerSec
    const ceiling = of('ceiling')
    const ours = of('mw:tokenguard')
    const table = rows
      .filter((row) => row.alg === alg)
      .map((row) => {
        const value = median(row.opsPerSec)
        return [
          kindLabel(row.kind),
          formatRate(value),
          spread(row.opsPerSec),
          (1e6 / value).toFixed(1),
          formatRatio(ratioOf(row.opsPerSec, ceiling)),
          row.kind.startsWith('mw:') ? formatRatio(ratioOf(ours, row.opsPerSec)) : '-',
        ]
      })
    const missing = JWT_IMPLEMENTATIONS.filter((impl) => !impl.algorithms.includes(alg))
    lines.push(
      `### ${alg}`,
      '',
      markdownTable(
        [
          'task',
          settings.inProcess.clock === 'cpu' ? 'ops per CPU-s' : 'ops/s',
          'spread',
          'µs per op',
          '× ceiling',
          'tokenguard ÷ this',
        ],
        table,
      ),
      '',
      ...(missing.length === 0
        ? []
        : [
            `Not run for ${alg}: ${missing.map((impl) => impl.id).join(', ')} (no ${alg} support).`,
            '',
          ]),
    )
  }
  return lines
}

export function httpSection(rows: readonly HttpRow[]): string[] {
  const bare = rows.find((row) => row.scenario.id === 'bare')
  // A scenario compared with bare Express has its own bare runs, measured right beside it.
  const bareFor = (row: HttpRow, figure: 'requestsPerSec' | 'requestsPerCpuSec') =>
    row.bareBeside[figure].length > 0 ? row.bareBeside[figure] : bare?.[figure]
  const groups = [...new Set(rows.map((row) => row.scenario.group))].filter(
    (group) => group !== 'bare',
  )
  const lines: string[] = []
  for (const group of groups) {
    const ceiling = rows.find(
      (row) => row.scenario.group === group && row.scenario.server.kind === 'ceiling',
    )
    const introspection = group === 'introspection'
    const table = rows
      .filter((row) => row.scenario.group === 'bare' || row.scenario.group === group)
      .map((row) => [
        row.scenario.label,
        formatRate(median(row.requestsPerSec)),
        formatRatio(ratioOf(row.requestsPerSec, bareFor(row, 'requestsPerSec'))),
        formatRate(median(row.requestsPerCpuSec)),
        spread(row.requestsPerCpuSec),
        formatRatio(ratioOf(row.requestsPerCpuSec, bareFor(row, 'requestsPerCpuSec'))),
        introspection
          ? row.scenario.group === 'bare'
            ? '-'
            : (row.upstreamCalls / Math.max(1, row.responses)).toFixed(3)
          : formatRatio(ratioOf(row.requestsPerCpuSec, ceiling?.requestsPerCpuSec)),
        row.scenario.server.kind === 'jwt' && row.scenario.server.impl === 'tokenguard'
          ? (row.fullVerifications / Math.max(1, row.responses)).toFixed(3)
          : '-',
        `${Math.round(median(row.serverCpuShare) * 100)}%`,
        `${Math.round(median(row.loadCpuShare) * 100)}%`,
        row.unexpected.size === 0
          ? 'yes'
          : [...row.unexpected].map(([status, count]) => `${status}×${count}`).join(' '),
      ])
    lines.push(
      `### ${introspection ? `Introspection (opaque tokens, ${UPSTREAM_LATENCY_MS} ms upstream latency)` : group}`,
      '',
      markdownTable(
        [
          'scenario',
          'req/s',
          '× bare',
          'req per server CPU-s',
          'spread',
          '× bare',
          introspection ? 'upstream calls / req' : '× ceiling',
          'full verifications / req',
          'server CPU',
          'load CPU',
          'statuses as expected',
        ],
        table,
      ),
      '',
    )
  }
  lines.push(
    "req/s is wall-clock throughput; req per server CPU-s divides the responses by the CPU time the server process used, so time it spent descheduled on a shared machine does not count (the targets use it). × bare compares with bare Express in the same repetition; for the cache hits, with a bare run made right beside each of their runs (before it, then after it, in turn). × ceiling compares with the node:crypto verify middleware of the same algorithm. Server CPU near 100% means the server was the bottleneck, as intended; load CPU near 100% would mean the load generator was. Introspection of unique tokens makes one upstream call per request (5 ms away): most of its cost is the server's own HTTP client (`fetch`), the same for tokenguard and the peer.",
    '',
  )
  return lines
}

export function resilienceSection(result: ResilienceResultMessage): string[] {
  const label = (id: string): string =>
    JWT_IMPLEMENTATIONS.find((impl) => impl.id === id)?.label ?? id
  const introspectionLabel = (id: string): string =>
    INTROSPECTION_IMPLEMENTATIONS.find((impl) => impl.id === id)?.label ?? id
  const waited = result.outageAfterSec >= COOLDOWN_SEC
  return [
    '### Unknown-kid flood (RS256)',
    '',
    markdownTable(
      [
        'implementation',
        'requests',
        'seconds',
        'JWKS fetches',
        'fetches per 1,000 requests',
        'statuses',
      ],
      result.floods.map((row) => [
        label(row.impl),
        formatRate(row.requests),
        row.seconds.toFixed(1),
        String(row.jwksFetches),
        ((row.jwksFetches * 1000) / Math.max(1, row.requests)).toFixed(2),
        statuses(row.statuses),
      ]),
    ),
    '',
    `Each request carries a fresh random \`kid\` on a well-formed token, from ${
      waited
        ? `more than ${COOLDOWN_SEC} s after each middleware last fetched the JWKS`
        : 'inside the cooldown after the last fetch (smoke run)'
    }. tokenguard allows one unknown-kid refetch per ${COOLDOWN_SEC} s cooldown and at most ${FETCH_BUDGET_PER_MINUTE} fetches a minute, whatever the request rate.`,
    '',
    '### JWKS outage (RS256)',
    '',
    markdownTable(
      ['implementation', 'known kid (fresh tokens)', 'new kid', 'JWKS attempts'],
      result.jwksOutage.map((row) => [
        label(row.impl),
        statuses(row.knownKid),
        statuses(row.newKid),
        String(row.jwksAttempts),
      ]),
    ),
    '',
    `Every middleware fetched the JWKS ${result.outageAfterSec.toFixed(0)} s before the JWKS endpoint started answering 503 (${
      waited
        ? 'past the 30 s cooldown, so a new kid may be fetched'
        : 'inside the 30 s cooldown, so tokenguard does not try: 401 unknown_kid'
    }). Then each got fresh tokens signed by a key it holds, and tokens signed by a key added to the issuer afterwards. An outage is a 503, never an invalid token (DESIGN.md).`,
    '',
    `### Introspection: ${result.concurrentMisses[0]?.requests ?? 100} concurrent misses for one token (${result.upstreamLatencyMs} ms upstream latency)`,
    '',
    markdownTable(
      ['implementation', 'requests', 'upstream calls', 'statuses'],
      result.concurrentMisses.map((row) => [
        introspectionLabel(row.impl),
        String(row.requests),
        String(row.upstreamCalls),
        statuses(row.statuses),
      ]),
    ),
    '',
    '### Introspection outage',
    '',
    markdownTable(
      ['implementation', 'token cached before the outage', 'new token'],
      result.introspectionOutage.map((row) => [
        introspectionLabel(row.impl),
        statuses(row.cached),
        statuses(row.fresh),
      ]),
    ),
    '',
  ]
}

export function memorySection(rows: readonly MemoryRow[], settings: Settings): string[] {
  return [
    markdownTable(
      [
        'fed into',
        'tokens',
        'seconds',
        'RSS before',
        'RSS after gc',
        'growth',
        'peak RSS',
        'heap used before → after',
        'JWKS fetches',
        'refused as',
      ],
      rows.map((row) => [
        row.target,
        formatRate(row.tokens),
        row.seconds.toFixed(1),
        mb(row.rssBeforeMb),
        mb(row.rssAfterMb),
        mb(row.rssAfterMb - row.rssBeforeMb),
        mb(row.rssPeakMb),
        `${mb(row.heapBeforeMb)} → ${mb(row.heapAfterMb)}`,
        String(row.jwksFetches),
        Object.entries(row.reasons)
          .map(([reason, n]) => `${reason} ${formatRate(n)}`)
          .join(', '),
      ]),
    ),
    '',
    `${
      settings.name === 'full'
        ? 'A --full run feeds 1,000,000 tokens per row.'
        : `A ${settings.name} run feeds ${formatRate(settings.memory.tokens)} tokens per row, to stay within its time budget; \`--full\` feeds 1,000,000.`
    } Each row is a fresh process (\`--expose-gc\`) with the default verifier options; the baseline is taken after ${formatRate(rows[0]?.warmupTokens ?? 0)} warm-up tokens and a full gc, the RSS after the garbage after another full gc; MB = 10^6 bytes. Every token is distinct: random text, random base64url segments, bad JSON, wrong issuer, unknown kid, alg none and HS256, embedded keys, crit, wrong typ, and one kind in twelve a well-formed token whose signature does not match (the only one that costs a signature check). Heap used is what the garbage left reachable; RSS also counts the heap and allocator pages kept for reuse.`,
    '',
  ]
}
