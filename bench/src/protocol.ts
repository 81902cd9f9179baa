// What the runner and its children say to each other, and the names of what is measured.
import type { Message } from './child.js'
import type { BenchAlgorithm } from './tokens.js'

/** What each in-process task measures. */
export type InProcessKind = 'ceiling' | 'jose' | 'unique' | 'hot' | 'bad'

export const IN_PROCESS_KINDS: readonly InProcessKind[] = [
  'ceiling',
  'jose',
  'unique',
  'hot',
  'bad',
]

export const IN_PROCESS_LABELS: Readonly<Record<InProcessKind, string>> = {
  ceiling: 'node:crypto verify on a prepared KeyObject (ceiling)',
  jose: 'jose jwtVerify + createLocalJWKSet',
  unique: 'tokenguard, unique tokens, cache off',
  hot: 'tokenguard, hot token, cache on',
  bad: 'tokenguard, bad signatures',
}

/**
 * How in-process time is read: `cpu` counts only the CPU time of the benchmark process
 * (`process.cpuUsage()`), so time spent descheduled on a shared machine does not count;
 * `wall` is `performance.now()`.
 */
export type Clock = 'cpu' | 'wall'

/** Settings of the in-process layer. */
export interface InProcessSettings {
  readonly clock: Clock
  readonly repetitions: number
  readonly timeMs: number
  readonly warmupMs: number
  readonly poolSize: number
}

/** Operations per second of one task, one value per repetition. */
export interface InProcessRow {
  readonly alg: BenchAlgorithm
  readonly kind: InProcessKind
  readonly opsPerSec: readonly number[]
}

export interface StartMessage extends Message {
  readonly type: 'start'
  readonly settings: InProcessSettings
}

export interface InProcessResultMessage extends Message {
  readonly type: 'result'
  readonly rows: readonly InProcessRow[]
}

/** HTTP scenarios, each served by its own server process. */
export type Scenario = 'bare' | 'hot' | 'unique' | 'bad' | 'jose'

export const SCENARIOS: readonly Scenario[] = ['bare', 'hot', 'unique', 'bad', 'jose']

export const SCENARIO_LABELS: Readonly<Record<Scenario, string>> = {
  bare: 'bare Express, JSON route',
  hot: 'jwtBearer, hot token',
  unique: 'jwtBearer, unique tokens',
  bad: 'jwtBearer, bad signatures (401)',
  jose: 'hand-written jose middleware, unique tokens',
}

/** The status every response of a scenario must have. */
export const EXPECTED_STATUS: Readonly<Record<Scenario, number>> = {
  bare: 200,
  hot: 200,
  unique: 200,
  bad: 401,
  jose: 200,
}

/**
 * Result-cache size of the unique-token server: far below the token pool, so a token comes
 * round again only after it was evicted and every request is a miss plus an insert.
 */
export const UNIQUE_CACHE_ENTRIES = 100

export interface ServerConfigMessage extends Message {
  readonly type: 'config'
  readonly jwks: { keys: object[] }
  readonly issuer: string
  readonly audience: string
}

export interface ServerReadyMessage extends Message {
  readonly type: 'ready'
  readonly port: number
}

/** Counters since the previous `stats` request. */
export interface ServerStatsMessage extends Message {
  readonly type: 'stats'
  /** Tokens that went through signature and claim checks (cache misses). */
  readonly fullVerifications: number
  /** CPU time of the server process, user plus system, in ms. */
  readonly cpuMs: number
}

export interface LoadRunMessage extends Message {
  readonly type: 'run'
  readonly url: string
  /** Tokens to send, spread over the connections so that no two start at the same one. */
  readonly tokens: readonly string[]
  readonly connections: number
  readonly durationSec: number
}

export interface LoadResultMessage extends Message {
  readonly type: 'result'
  readonly requestsPerSec: number
  readonly responses: number
  readonly statusCounts: Readonly<Record<string, number>>
  readonly errors: number
  readonly timeouts: number
  /** CPU time of the load generator over the run, as a share of one core. */
  readonly cpuShare: number
}
