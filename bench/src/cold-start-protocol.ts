// What the cold-start driver (src/cold-start.ts), its app server
// (src/cold-start-server.ts) and the runner say to each other.
import type { Message } from './child.js'
import type { BenchIssuerConfig, JwtImplementationId, StatusCounts } from './protocol.js'

/**
 * Where the fresh app and middleware of each cold start run: in one app server process
 * that has served the earlier ones (`warm`: the code is loaded and compiled, so only the
 * middleware is cold), or in a new process each time (`fresh`: a server that just started).
 */
export type ColdStartMode = 'warm' | 'fresh'

/** Settings of the cold-start scenario. */
export interface ColdStartSettings {
  /** Concurrent first requests, each with its own token, on as many open sockets. */
  readonly requests: number
  /** How long the issuer's JWKS endpoint waits before it answers, in ms. */
  readonly jwksDelayMs: number
  /** Measured repetitions per mode (0 skips the mode); each is a fresh app per implementation. */
  readonly repetitions: Readonly<Record<ColdStartMode, number>>
  /** Warm mode only: repetitions run first and not reported (module loading, JIT). */
  readonly warmups: number
  /** Only these implementations (`undefined`: every JWT implementation). */
  readonly only?: readonly JwtImplementationId[]
}

export interface ColdStartStartMessage extends Message {
  readonly type: 'start'
  readonly settings: ColdStartSettings
  /** Node flags of the app server process, such as `--cpu-prof`. */
  readonly serverFlags: readonly string[]
}

/** One implementation in one repetition. */
export interface ColdStartSample {
  /** Latency of the requests, in ms, from sending to the end of the answer. */
  readonly p50Ms: number
  readonly p95Ms: number
  readonly maxMs: number
  /** Requests the issuer's JWKS endpoint received. */
  readonly jwksRequests: number
  readonly statuses: StatusCounts
}

/** Every measured repetition of one implementation in one mode, in order. */
export interface ColdStartRow {
  readonly mode: ColdStartMode
  readonly impl: JwtImplementationId
  readonly samples: readonly ColdStartSample[]
}

export interface ColdStartResultMessage extends Message {
  readonly type: 'result'
  readonly rows: readonly ColdStartRow[]
  readonly settings: ColdStartSettings
}

/** To the app server: close the last app, build a fresh middleware and app for `impl`. */
export interface ColdAppMessage extends Message {
  readonly type: 'app'
  readonly impl: JwtImplementationId
  readonly config: BenchIssuerConfig
}

/** From the app server: the fresh app listens on 127.0.0.1:`port`. */
export interface ColdAppReadyMessage extends Message {
  readonly type: 'ready'
  readonly port: number
}
