// The targets table of the report: each goal of the benchmark, the ratio measured for it in
// this run, and whether it was met; then the bounds that explain the goals a verifier cannot
// reach (the decoding floor).
import { coldStartChecks, type TargetCheck } from './cold-start-report.js'
import type { HttpRow } from './http-layer.js'
import { JWT_IMPLEMENTATIONS } from './implementations.js'
import type { InProcessKind } from './protocol.js'
import {
  COOLDOWN_SEC,
  FETCH_BUDGET_PER_MINUTE,
  formatRate,
  formatRatio,
  markdownTable,
  mb,
  median,
  MEMORY_TARGET_MB,
  ratioOf,
  ratiosOf,
  statuses,
} from './report.js'
import type { Measurements } from './results.js'
import { BENCH_ALGORITHMS, type BenchAlgorithm } from './tokens.js'

type Check = TargetCheck

function checkRow({ name, wanted, measured, spread, wall, met }: Check): string[] {
  const verdict = met === undefined ? 'not measured' : met ? 'met' : 'MISSED'
  return [name, wanted, measured, spread ?? '-', wall, verdict]
}

function atLeast(
  name: string,
  target: number,
  { value, spread }: { readonly value: number; readonly spread: string },
  wall = Number.NaN,
): Check {
  return {
    name,
    wanted: `≥ ${target.toFixed(2)}×`,
    measured: formatRatio(value),
    spread,
    wall: Number.isNaN(wall) ? '-' : formatRatio(wall),
    met: Number.isNaN(value) ? undefined : value >= target,
  }
}

export function targetsSection(measurements: Measurements): string[] {
  const { inProcess, http, resilience, memory } = measurements
  const ops = (alg: BenchAlgorithm, kind: InProcessKind): number[] | undefined =>
    inProcess.find((row) => row.alg === alg && row.kind === kind)?.opsPerSec as number[] | undefined
  const httpRow = (id: string): HttpRow | undefined => http.find((row) => row.scenario.id === id)
  const cpu = (id: string): number[] | undefined => httpRow(id)?.requestsPerCpuSec
  const wall = (id: string): number[] | undefined => httpRow(id)?.requestsPerSec
  // Bare Express as measured right beside `id` (see HttpRow.bareBeside), else its own runs.
  const bareFor = (id: string, figure: 'requestsPerSec' | 'requestsPerCpuSec') => {
    const beside = httpRow(id)?.bareBeside[figure]
    return beside !== undefined && beside.length > 0 ? beside : httpRow('bare')?.[figure]
  }
  const bestPeer = (
    values: (id: string) => number[] | undefined,
    ids: (impl: string) => string,
  ): { id: string; values: number[] } | undefined => {
    let best: { id: string; values: number[] } | undefined
    for (const impl of JWT_IMPLEMENTATIONS) {
      if (impl.id === 'tokenguard') continue
      const found = values(ids(impl.id))
      if (found !== undefined && (best === undefined || median(found) > median(best.values))) {
        best = { id: impl.id, values: found }
      }
    }
    return best
  }
  const checks: Check[] = []
  checks.push(
    atLeast(
      'RS256 hot token ÷ bare Express (HTTP)',
      0.95,
      ratiosOf(cpu('RS256 tokenguard hot'), bareFor('RS256 tokenguard hot', 'requestsPerCpuSec')),
      ratioOf(wall('RS256 tokenguard hot'), bareFor('RS256 tokenguard hot', 'requestsPerSec')),
    ),
  )
  if (httpRow('next') !== undefined && httpRow('RS256 tokenguard hot') !== undefined) {
    checks.push(
      atLeast(
        'RS256 hot token ÷ Express with a middleware that only calls next() (HTTP)',
        0.95,
        ratiosOf(cpu('RS256 tokenguard hot'), cpu('next')),
        ratioOf(wall('RS256 tokenguard hot'), wall('next')),
      ),
      atLeast(
        'bound: Express with a middleware that only calls next() ÷ bare Express (HTTP)',
        0.95,
        ratiosOf(cpu('next'), bareFor('next', 'requestsPerCpuSec')),
        ratioOf(wall('next'), bareFor('next', 'requestsPerSec')),
      ),
    )
  }
  for (const alg of BENCH_ALGORITHMS) {
    checks.push(
      atLeast(
        `${alg} unique tokens ÷ node:crypto ceiling (in-process, verifier core)`,
        0.9,
        ratiosOf(ops(alg, 'unique'), ops(alg, 'ceiling')),
      ),
    )
  }
  for (const alg of BENCH_ALGORITHMS) {
    checks.push(
      atLeast(
        `${alg} unique tokens, jwtBearer ÷ verifier core (in-process: the middleware's cost)`,
        0.95,
        ratiosOf(ops(alg, 'mw:tokenguard'), ops(alg, 'unique')),
      ),
    )
  }
  for (const alg of BENCH_ALGORITHMS) {
    const id = `${alg} tokenguard unique`
    if (httpRow(id) === undefined) continue
    checks.push(
      atLeast(
        `${alg} unique tokens ÷ node:crypto ceiling (HTTP)`,
        0.9,
        ratiosOf(cpu(id), cpu(`${alg} ceiling`)),
        ratioOf(wall(id), wall(`${alg} ceiling`)),
      ),
    )
  }
  for (const alg of BENCH_ALGORITHMS) {
    const best = bestPeer(
      (kind) => ops(alg, kind as InProcessKind),
      (impl) => `mw:${impl}`,
    )
    checks.push(
      atLeast(
        `${alg} unique tokens ÷ fastest peer${best === undefined ? '' : ` (${best.id})`} (in-process middleware)`,
        1,
        ratiosOf(ops(alg, 'mw:tokenguard'), best?.values),
      ),
    )
  }
  for (const alg of BENCH_ALGORITHMS) {
    const id = `${alg} tokenguard unique`
    if (httpRow(id) === undefined) continue
    const best = bestPeer(cpu, (impl) => `${alg} ${impl} unique`)
    const bestWall = best === undefined ? undefined : wall(`${alg} ${best.id} unique`)
    checks.push(
      atLeast(
        `${alg} unique tokens ÷ fastest peer${best === undefined ? '' : ` (${best.id})`} (HTTP)`,
        1,
        ratiosOf(cpu(id), best?.values),
        ratioOf(wall(id), bestWall),
      ),
    )
  }
  for (const alg of BENCH_ALGORITHMS) {
    checks.push(
      atLeast(
        `${alg} bad signature ÷ valid unique token (in-process middleware)`,
        1,
        ratiosOf(ops(alg, 'mw-bad:tokenguard'), ops(alg, 'mw:tokenguard')),
      ),
    )
  }
  for (const alg of BENCH_ALGORITHMS) {
    if (httpRow(`${alg} tokenguard bad`) === undefined) continue
    checks.push(
      atLeast(
        `${alg} bad signatures ÷ valid unique tokens (HTTP)`,
        1,
        ratiosOf(cpu(`${alg} tokenguard bad`), cpu(`${alg} tokenguard unique`)),
        ratioOf(wall(`${alg} tokenguard bad`), wall(`${alg} tokenguard unique`)),
      ),
    )
  }
  checks.push(
    atLeast(
      'introspection cache hit ÷ bare Express (HTTP)',
      0.95,
      ratiosOf(
        cpu('introspection tokenguard hot'),
        bareFor('introspection tokenguard hot', 'requestsPerCpuSec'),
      ),
      ratioOf(
        wall('introspection tokenguard hot'),
        bareFor('introspection tokenguard hot', 'requestsPerSec'),
      ),
    ),
    atLeast(
      "introspection cache hit ÷ the seeds' node-cache middleware (HTTP)",
      1,
      ratiosOf(cpu('introspection tokenguard hot'), cpu('introspection node-cache hot')),
      ratioOf(wall('introspection tokenguard hot'), wall('introspection node-cache hot')),
    ),
  )
  const flood = resilience?.floods.find((row) => row.impl === 'tokenguard')
  if (flood !== undefined) {
    const bound = Math.min(
      1 + Math.floor(flood.seconds / COOLDOWN_SEC),
      FETCH_BUDGET_PER_MINUTE * Math.ceil(flood.seconds / 60),
    )
    checks.push({
      name: 'unknown-kid flood: JWKS fetches (RS256)',
      wanted: `≤ ${bound} (1 per ${COOLDOWN_SEC} s cooldown, ≤ ${FETCH_BUDGET_PER_MINUTE}/min)`,
      measured: `${flood.jwksFetches} for ${formatRate(flood.requests)} requests in ${flood.seconds.toFixed(1)} s`,
      wall: '-',
      met: flood.jwksFetches <= bound,
    })
  }
  const misses = resilience?.concurrentMisses.find((row) => row.impl === 'tokenguard')
  if (misses !== undefined) {
    checks.push({
      name: `${misses.requests} concurrent introspection misses: upstream calls`,
      wanted: '1',
      measured: String(misses.upstreamCalls),
      wall: '-',
      met: misses.upstreamCalls === 1 && misses.statuses['200'] === misses.requests,
    })
  }
  const outage = resilience?.jwksOutage.find((row) => row.impl === 'tokenguard')
  if (outage !== undefined) {
    const waited = (resilience?.outageAfterSec ?? 0) >= COOLDOWN_SEC
    checks.push({
      name: 'JWKS outage: known kid / new kid',
      wanted: waited ? '200 / 503' : '200 / 401 (inside the cooldown)',
      measured: `${statuses(outage.knownKid)} / ${statuses(outage.newKid)}`,
      wall: '-',
      met:
        Object.keys(outage.knownKid).join() === '200' &&
        Object.keys(outage.newKid).join() === (waited ? '503' : '401'),
    })
  }
  for (const row of memory ?? []) {
    const growth = row.rssAfterMb - row.rssBeforeMb
    checks.push({
      name: `${formatRate(row.tokens)} garbage tokens into ${row.target}: RSS growth`,
      wanted: `< ${MEMORY_TARGET_MB} MB`,
      measured: mb(growth),
      wall: '-',
      met: growth < MEMORY_TARGET_MB,
    })
  }
  checks.push(...coldStartChecks(measurements.coldStart))
  return [
    markdownTable(
      ['target', 'wanted', 'measured', 'spread', 'HTTP wall-clock', ''],
      checks.map(checkRow),
    ),
    '',
    'In-process ratios are of operations per CPU-second; HTTP ratios of requests per server CPU-second, with the wall-clock ratio beside. Every ratio is the median, over the repetitions, of the ratio of two figures measured in the same repetition of this run; its spread is half the range of those ratios over their median.',
    '',
    ...boundsSection(ops),
  ]
}

/**
 * What bounds the in-process goals: the decoding floor (the ceiling plus the decoding every
 * verifier that reads the claims must do) against the ceiling, the verifier core against
 * that floor, and what a cache hit costs jwtBearer beyond a middleware that only calls next.
 */
function boundsSection(
  ops: (alg: BenchAlgorithm, kind: InProcessKind) => number[] | undefined,
): string[] {
  const micros = (values: readonly number[] | undefined): number =>
    values === undefined || values.length === 0 ? Number.NaN : 1e6 / median(values)
  const rows = BENCH_ALGORITHMS.filter((alg) => ops(alg, 'floor') !== undefined).map((alg) => {
    const hitCost = micros(ops(alg, 'mw-hot:tokenguard')) - micros(ops(alg, 'mw-hot:next'))
    return [
      alg,
      formatRatio(ratioOf(ops(alg, 'floor'), ops(alg, 'ceiling'))),
      formatRatio(ratioOf(ops(alg, 'unique'), ops(alg, 'floor'))),
      `${(micros(ops(alg, 'unique')) - micros(ops(alg, 'floor'))).toFixed(1)} µs`,
      Number.isNaN(hitCost) ? '-' : `${hitCost.toFixed(2)} µs`,
    ]
  })
  if (rows.length === 0) return []
  const next = BENCH_ALGORITHMS.map((alg) => ops(alg, 'mw-hot:next')).find(Boolean)
  const introspectionHit = (impl: 'tokenguard' | 'node-cache'): string => {
    const found = BENCH_ALGORITHMS.map((alg) => ops(alg, `mw-hot:introspection-${impl}`)).find(
      Boolean,
    )
    const cost = micros(found) - micros(next)
    return Number.isNaN(cost) ? '-' : `${cost.toFixed(2)} µs`
  }
  return [
    '### Bounds',
    '',
    markdownTable(
      [
        'algorithm',
        'decoding floor ÷ ceiling',
        'verifier core ÷ floor',
        'core above the floor',
        'jwtBearer cache hit above a bare next()',
      ],
      rows,
    ),
    '',
    `An introspection cache hit above a bare next(), in-process: introspectionBearer ${introspectionHit('tokenguard')}, the seeds' node-cache middleware ${introspectionHit('node-cache')}.`,
    '',
    'The decoding floor is the ceiling plus the work the ceiling leaves out and any verifier that reads the claims must do (split the token, the signing input and the signature as bytes, the payload decoded and JSON-parsed): no verifier can beat it, so "unique tokens ÷ ceiling" cannot exceed "decoding floor ÷ ceiling". The last column is the per-request cost of a cache hit in jwtBearer, in-process, beyond a middleware that only calls next().',
    '',
  ]
}
