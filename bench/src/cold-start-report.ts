// The cold-start part of the report: its table, and its rows of the Targets table.
import type { ColdStartMode, ColdStartResultMessage, ColdStartRow } from './cold-start-protocol.js'
import { JWT_IMPLEMENTATIONS } from './implementations.js'
import { formatRatio, markdownTable, median, ratioOf, spread } from './report.js'

/** A row of the Targets table (the shape `targetsSection` prints). */
export interface TargetCheck {
  readonly name: string
  readonly wanted: string
  readonly measured: string
  /** Half the range of the per-repetition ratios over their median, when it is a ratio. */
  readonly spread?: string
  readonly wall: string
  readonly met: boolean | undefined
}

/** Goal: tokenguard's p50 at most this many times the fastest peer's, in the same run. */
const MAX_RATIO_TO_BEST_PEER = 1.1

const p50s = (row: ColdStartRow): number[] => row.samples.map((sample) => sample.p50Ms)

/**
 * The median, over the repetitions, of tokenguard's p50 ÷ `other`'s p50 in the same
 * repetition (the two ran seconds apart).
 */
function ratioTo(ours: ColdStartRow | undefined, other: ColdStartRow | undefined): number {
  return ratioOf(ours && p50s(ours), other && p50s(other))
}

/** The peer with the lowest median p50. */
function fastestPeer(rows: readonly ColdStartRow[]): ColdStartRow | undefined {
  let best: ColdStartRow | undefined
  for (const row of rows) {
    if (row.impl === 'tokenguard' || row.samples.length === 0) continue
    if (best === undefined || median(p50s(row)) < median(p50s(best))) best = row
  }
  return best
}

function statuses(row: ColdStartRow): string {
  const counts: Record<string, number> = {}
  for (const sample of row.samples) {
    for (const [status, n] of Object.entries(sample.statuses))
      counts[status] = (counts[status] ?? 0) + n
  }
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([status, n]) => `${status}×${n}`)
    .join(' ')
}

const ms = (value: number): string => value.toFixed(1)
const plural = (n: number, what: string): string =>
  what === 'not counted' ? `${n} not counted` : `${n} ${what}${n === 1 ? '' : 's'}`

const MODE_LABELS: Readonly<Record<ColdStartMode, string>> = {
  warm: 'fresh middleware in a running server',
  fresh: 'fresh server process',
}

/** The cold-start rows of the Targets table; none when the scenario did not run. */
export function coldStartChecks(result: ColdStartResultMessage | undefined): TargetCheck[] {
  if (result === undefined) return []
  const { requests } = result.settings
  const checks: TargetCheck[] = []
  const ours = result.rows.filter((row) => row.impl === 'tokenguard' && row.samples.length > 0)
  for (const row of ours) {
    const best = fastestPeer(result.rows.filter((other) => other.mode === row.mode))
    const ratio = ratioTo(row, best)
    checks.push({
      name: `cold start (${MODE_LABELS[row.mode]}), ${requests} concurrent first requests: p50 ÷ fastest peer${best === undefined ? '' : ` (${best.impl})`}`,
      wanted: `≤ ${MAX_RATIO_TO_BEST_PEER.toFixed(2)}×`,
      measured: formatRatio(ratio),
      wall: '-',
      met: Number.isNaN(ratio) ? undefined : ratio <= MAX_RATIO_TO_BEST_PEER,
    })
  }
  const samples = ours.flatMap((row) => row.samples)
  if (samples.length > 0) {
    const fetches = samples.map((sample) => sample.jwksRequests)
    const answered = samples.reduce((sum, sample) => sum + (sample.statuses['200'] ?? 0), 0)
    checks.push({
      name: `cold start, ${requests} concurrent first requests: JWKS requests`,
      wanted: '1 per cold start, every answer 200',
      measured: `${Math.max(...fetches)} at most in ${fetches.length} cold starts; 200×${answered} of ${requests * samples.length}`,
      wall: '-',
      met: fetches.every((count) => count === 1) && answered === requests * samples.length,
    })
  }
  return checks
}

function modeTable(rows: readonly ColdStartRow[]): string {
  const ours = rows.find((row) => row.impl === 'tokenguard')
  const label = (id: string): string =>
    JWT_IMPLEMENTATIONS.find((impl) => impl.id === id)?.label ?? id
  return markdownTable(
    [
      'implementation',
      'p50 ms',
      'spread',
      'p95 ms',
      'max ms',
      'tokenguard p50 ÷ this',
      'JWKS requests',
      'statuses',
    ],
    rows
      .filter((row) => row.samples.length > 0)
      .map((row) => {
        const fetches = row.samples.map((sample) => sample.jwksRequests)
        return [
          label(row.impl),
          ms(median(p50s(row))),
          spread(p50s(row)),
          ms(median(row.samples.map((sample) => sample.p95Ms))),
          ms(median(row.samples.map((sample) => sample.maxMs))),
          row === ours ? '-' : formatRatio(ratioTo(ours, row)),
          `${Math.min(...fetches)}–${Math.max(...fetches)}`,
          statuses(row),
        ]
      }),
  )
}

/** The cold-start tables, one per mode: latencies, JWKS requests, statuses. */
export function coldStartSection(result: ColdStartResultMessage): string[] {
  const { requests, repetitions, warmups, jwksDelayMs } = result.settings
  const lines: string[] = []
  for (const mode of ['warm', 'fresh'] as const) {
    const rows = result.rows.filter((row) => row.mode === mode)
    if (rows.every((row) => row.samples.length === 0)) continue
    lines.push(
      `### ${MODE_LABELS[mode][0]!.toUpperCase()}${MODE_LABELS[mode].slice(1)} (${plural(repetitions[mode], 'repetition')}${mode === 'warm' && warmups > 0 ? `, after ${plural(warmups, 'not counted')}` : ''})`,
      '',
      modeTable(rows),
      '',
    )
  }
  lines.push(
    `Each cold start is a fresh Express 5 app and middleware (an empty JWKS cache), in the app server process that served the earlier ones (the code loaded and compiled: only the middleware is cold) or in a server process started for it (a server that just started; its modules are loaded before the requests). ${requests} sockets are opened first, then ${requests} requests with ${requests} distinct valid RS256 tokens are sent at once; the issuer answers the JWKS after ${jwksDelayMs} ms and is restarted before each cold start, so no connection to it is reused. Latency is measured by the client, from sending to the end of the answer; each figure is the median of the repetitions (implementations in a rotated, alternating order), each ratio the median of per-repetition ratios.`,
    '',
  )
  return lines
}
