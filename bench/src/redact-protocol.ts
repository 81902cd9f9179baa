// What src/redact-bench.ts and its servers (src/redact-server.ts) say to each other.
import type { Message } from './child.js'

/** What runs in front of the route of a request-logger benchmark server. */
export type RedactScenario = 'bare' | 'requestLogger' | 'pinoHttp' | 'pinoHttpRedacted'

export const REDACT_SCENARIOS: readonly RedactScenario[] = [
  'bare',
  'requestLogger',
  'pinoHttp',
  'pinoHttpRedacted',
]

export const REDACT_SCENARIO_LABELS: Readonly<Record<RedactScenario, string>> = {
  bare: 'bare Express, JSON route',
  requestLogger: 'requestLogger → pino + createPinoRedaction()',
  pinoHttp: 'pino-http → pino, no redaction',
  pinoHttpRedacted: 'pino-http → pino + createPinoRedaction()',
}

export interface RedactServerReady extends Message {
  readonly type: 'ready'
  readonly port: number
}

/** Counters since the previous `stats` request. */
export interface RedactServerStats extends Message {
  readonly type: 'stats'
  /** CPU time of the server process, user plus system, in ms. */
  readonly cpuMs: number
  /** Log lines written. */
  readonly lines: number
}
