// What the runner and its children say to each other, and the names of what is measured.
import type { Message } from './child.js'
import type { BenchAlgorithm } from './tokens.js'

/**
 * The local test issuer every implementation verifies against: the runner's (or a child's
 * own) `createTestIssuer().listen()` on 127.0.0.1, its JWKS and introspection over HTTP.
 */
export interface BenchIssuerConfig {
  readonly issuer: string
  readonly audience: string
  readonly jwksUri: string
  readonly introspectionEndpoint: string
  readonly clientId: string
  readonly clientSecret: string
}

/** The JWT middlewares compared: tokenguard and the peers of `src/peers/`. */
export type JwtImplementationId =
  | 'tokenguard'
  | 'jose'
  | 'express-oauth2-jwt-bearer'
  | 'express-jwt'
  | 'aws-jwt-verify'
  | 'passport-jwt'

/** The introspection middlewares compared. */
export type IntrospectionImplementationId = 'tokenguard' | 'node-cache'

/**
 * What each in-process task measures: the core tasks (`ceiling` and tokenguard's
 * verifier on unique, hot and bad-signature tokens), then one middleware task per JWT
 * implementation on unique tokens, and tokenguard's middleware on bad signatures, each
 * called with a fake Express request.
 */
export type InProcessKind =
  | 'ceiling'
  | 'floor'
  | 'unique'
  | 'hot'
  | 'bad'
  | `mw:${JwtImplementationId}`
  | 'mw-bad:tokenguard'
  | 'mw-hot:next'
  | 'mw-hot:tokenguard'
  | `mw-hot:introspection-${IntrospectionImplementationId}`

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
}

/** Pre-minted tokens of one algorithm, as sent to children. */
export interface WirePool {
  readonly alg: BenchAlgorithm
  readonly hot: string
  readonly unique: readonly string[]
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
  readonly config: BenchIssuerConfig
  readonly jwks: { keys: object[] }
  readonly pools: readonly WirePool[]
  /** An opaque token, introspected once before timing: the introspection cache-hit tasks. */
  readonly opaqueHot?: string
}

export interface InProcessResultMessage extends Message {
  readonly type: 'result'
  readonly rows: readonly InProcessRow[]
}

/** What one HTTP server process runs in front of the route. */
export type ServerSpec =
  | { readonly kind: 'bare' }
  | { readonly kind: 'next' }
  | { readonly kind: 'ceiling'; readonly alg: BenchAlgorithm }
  | { readonly kind: 'jwt'; readonly impl: JwtImplementationId; readonly alg: BenchAlgorithm }
  | { readonly kind: 'introspection'; readonly impl: IntrospectionImplementationId }

/** Names of the token lists the load generator holds: `RS256:unique`, `opaque:hot`, ... */
export type TokenListId =
  `${BenchAlgorithm}:${'hot' | 'unique' | 'bad'}` | `opaque:${'hot' | 'unique'}`

/** One HTTP scenario: a server, the tokens sent to it, and what it must answer. */
export interface HttpScenario {
  readonly id: string
  readonly label: string
  /** The table it is reported in: an algorithm, or introspection; `bare` is in every one. */
  readonly group: BenchAlgorithm | 'introspection' | 'bare'
  readonly server: ServerSpec
  readonly tokens: TokenListId
  readonly expectedStatus: number
  /** Compared with bare Express: bare is measured again right beside it, every repetition. */
  readonly besideBare?: boolean
}

export interface ServerConfigMessage extends Message {
  readonly type: 'config'
  readonly server: ServerSpec
  readonly config: BenchIssuerConfig
  readonly jwks: { keys: object[] }
}

export interface ServerReadyMessage extends Message {
  readonly type: 'ready'
  readonly port: number
}

/** Counters since the previous `stats` request. */
export interface ServerStatsMessage extends Message {
  readonly type: 'stats'
  /** Tokens tokenguard took through signature and claim checks (cache misses). */
  readonly fullVerifications: number
  /** CPU time of the server process, user plus system, in ms. */
  readonly cpuMs: number
}

export interface LoadTokensMessage extends Message {
  readonly type: 'tokens'
  readonly lists: Readonly<Record<string, readonly string[]>>
}

/** One load run: the tokens inline (`tokens`), or a list sent before (`list`). */
export interface LoadRunMessage extends Message {
  readonly type: 'run'
  readonly url: string
  /** Tokens to send, spread over the connections. */
  readonly tokens?: readonly string[]
  /** Or the name of a list sent before with a `tokens` message. */
  readonly list?: TokenListId
  /**
   * Where in the tokens the first connection starts (default 0); the others start spread
   * over the list from there, so no two send the same token at about the same time.
   */
  readonly offset?: number
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
  /** Time the requests were sent for, in ms (from autocannon's start to its end). */
  readonly sendingMs: number
  /** CPU time of the load generator while it sent, as a share of one core. */
  readonly cpuShare: number
}

/** Settings of the resilience child (floods, outages, concurrent misses). */
export interface ResilienceSettings {
  /** How long each implementation is flooded with unknown-`kid` tokens, in s. */
  readonly floodSec: number
  /** Concurrent requests of the flood. */
  readonly floodConcurrency: number
  /** Wait out the 30 s JWKS cooldown before the floods and the outage (off in smoke runs). */
  readonly waitForCooldown: boolean
  /** Requests sent to each implementation per outage case. */
  readonly outageRequests: number
}

export interface ResilienceStartMessage extends Message {
  readonly type: 'start'
  readonly settings: ResilienceSettings
}

/** Answers counted by HTTP status (`error` for a failed connection). */
export type StatusCounts = Readonly<Record<string, number>>

export interface FloodRow {
  readonly impl: JwtImplementationId
  readonly requests: number
  readonly seconds: number
  readonly jwksFetches: number
  readonly statuses: StatusCounts
}

export interface JwksOutageRow {
  readonly impl: JwtImplementationId
  /** Fresh tokens signed by a key the middleware already holds. */
  readonly knownKid: StatusCounts
  /** Tokens signed by a key added to the issuer after the middleware last fetched. */
  readonly newKid: StatusCounts
  /** JWKS requests the failing endpoint received during the outage. */
  readonly jwksAttempts: number
}

export interface ConcurrentMissRow {
  readonly impl: IntrospectionImplementationId
  readonly requests: number
  readonly upstreamCalls: number
  readonly statuses: StatusCounts
}

export interface IntrospectionOutageRow {
  readonly impl: IntrospectionImplementationId
  /** A token introspected before the endpoint failed. */
  readonly cached: StatusCounts
  /** A token never seen before. */
  readonly fresh: StatusCounts
}

export interface ResilienceResultMessage extends Message {
  readonly type: 'result'
  readonly floods: readonly FloodRow[]
  readonly jwksOutage: readonly JwksOutageRow[]
  /** Seconds between the outage middlewares' last JWKS fetch and the outage. */
  readonly outageAfterSec: number
  readonly concurrentMisses: readonly ConcurrentMissRow[]
  readonly upstreamLatencyMs: number
  readonly introspectionOutage: readonly IntrospectionOutageRow[]
}

/** Settings of the memory children. */
export interface MemorySettings {
  readonly tokens: number
}

/** Where a memory child feeds its garbage: one child per target, each in a fresh process. */
export type MemoryTarget = 'verifier' | 'jwtBearer'

export interface MemoryStartMessage extends Message {
  readonly type: 'start'
  readonly settings: MemorySettings
  readonly target: MemoryTarget
}

/** What one million (or the configured count of) garbage tokens left behind. */
export interface MemoryRow {
  readonly target: MemoryTarget
  readonly tokens: number
  /** Tokens fed before the baseline was taken. */
  readonly warmupTokens: number
  readonly seconds: number
  readonly rssBeforeMb: number
  readonly rssAfterMb: number
  readonly rssPeakMb: number
  readonly heapBeforeMb: number
  readonly heapAfterMb: number
  /** Answers by reason (`bad_signature`, `unknown_kid`, ...). */
  readonly reasons: Readonly<Record<string, number>>
  /** JWKS fetches while the garbage was fed (unknown kids may cause one per cooldown). */
  readonly jwksFetches: number
}

export interface MemoryResultMessage extends Message {
  readonly type: 'result'
  readonly row: MemoryRow
}
