// How long and how often each layer runs: quick (`pnpm bench`), full (`--full`) and the CI
// smoke run (`--smoke`, which only checks that the harness works).
import type { ColdStartSettings } from './cold-start-protocol.js'
import type { InProcessSettings, MemorySettings, ResilienceSettings } from './protocol.js'
import { BENCH_ALGORITHMS, type BenchAlgorithm } from './tokens.js'

export interface HttpSettings {
  readonly repetitions: number
  readonly durationSec: number
  /** Warm-up per scenario before anything is pinned, while the untimed parts finish. */
  readonly warmupSec: number
  /** A last short run per scenario once the servers are pinned to their core. */
  readonly settleSec: number
  readonly connections: number
  /** Algorithms the JWT scenarios run for over HTTP (every one in-process). */
  readonly algorithms: readonly BenchAlgorithm[]
  /** Run only one scenario of each kind (smoke runs): bare, ceiling, tokenguard, one peer, introspection. */
  readonly fewScenarios?: boolean
}

export interface Settings {
  readonly name: 'quick' | 'full' | 'smoke'
  /**
   * Distinct JWTs per algorithm, sent round and round: enough that every one is evicted from
   * tokenguard's result cache (10,000 entries, taken in from a token's second use) before it
   * comes back, so each is a full verification.
   */
  readonly poolSize: number
  /** Distinct opaque tokens, for introspection of unique tokens. */
  readonly opaqueCount: number
  readonly inProcess: InProcessSettings
  readonly http: HttpSettings
  readonly resilience: ResilienceSettings
  readonly memory: MemorySettings
  readonly coldStart: ColdStartSettings
}

export const QUICK: Settings = {
  name: 'quick',
  poolSize: 16_000,
  opaqueCount: 20_000,
  inProcess: { clock: 'cpu', repetitions: 5, timeMs: 100, warmupMs: 20 },
  http: {
    repetitions: 4,
    durationSec: 1,
    warmupSec: 1.5,
    settleSec: 0.25,
    connections: 10,
    algorithms: ['RS256'],
  },
  resilience: { floodSec: 1, floodConcurrency: 10, waitForCooldown: true, outageRequests: 10 },
  memory: { tokens: 200_000 },
  coldStart: { requests: 100, jwksDelayMs: 50, repetitions: { warm: 5, fresh: 3 }, warmups: 1 },
}

export const FULL: Settings = {
  name: 'full',
  poolSize: 50_000,
  opaqueCount: 60_000,
  inProcess: { clock: 'cpu', repetitions: 9, timeMs: 500, warmupMs: 100 },
  http: {
    repetitions: 5,
    durationSec: 3,
    warmupSec: 3,
    settleSec: 1,
    connections: 10,
    algorithms: BENCH_ALGORITHMS,
  },
  resilience: { floodSec: 35, floodConcurrency: 10, waitForCooldown: true, outageRequests: 20 },
  memory: { tokens: 1_000_000 },
  coldStart: { requests: 100, jwksDelayMs: 50, repetitions: { warm: 9, fresh: 7 }, warmups: 1 },
}

export const SMOKE: Settings = {
  name: 'smoke',
  poolSize: 200,
  opaqueCount: 200,
  inProcess: { clock: 'cpu', repetitions: 1, timeMs: 10, warmupMs: 0 },
  http: {
    repetitions: 1,
    durationSec: 0.3,
    warmupSec: 0.2,
    settleSec: 0.1,
    connections: 4,
    algorithms: ['RS256'],
    fewScenarios: true,
  },
  resilience: { floodSec: 0.2, floodConcurrency: 4, waitForCooldown: false, outageRequests: 2 },
  memory: { tokens: 5_000 },
  coldStart: { requests: 10, jwksDelayMs: 50, repetitions: { warm: 1, fresh: 1 }, warmups: 0 },
}
