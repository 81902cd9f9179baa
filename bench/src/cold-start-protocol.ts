// What the cold-start driver (src/cold-start.ts), its app server
// (src/cold-start-server.ts) and the runner say to each other.
import type { Message } from './child.js'
import type { BenchIssuerConfig, JwtImplementationId, StatusCounts } from './protocol.js'

/** Settings of the cold-start scenario. */
export interface ColdStartSettings {
  /** Concurrent first requests, each with its own token, on as many open sockets. */
  readonly requests: number
  /** Measured repetitions; each builds a fresh app and middleware per implementation. */
  readonly repetitions: number
  /** Repetitions run first and not reported (module loading, JIT). */
  readonly warmups: number
  /** How long the issuer's JWKS endpoint waits before it answers, in ms. */
  readonly jwksDelayMs: number
  /** A new app server process for every cold start, not only a new app. */
  readonly freshProcess?: boolean
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

/** Every measured repetition of one implementation, in order. */
export interface ColdStartRow {
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
