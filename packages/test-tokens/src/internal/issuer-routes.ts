import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Fault, FaultEndpoint } from '../running-issuer.js'
import type { PublicJwk } from '../test-key.js'
import { answerTokenRequest } from './answer-token-request.js'
import type { TokenEndpointSource } from './answer-token-request.js'
import { answerWith, checkFault } from './fault.js'
import { issuerMetadata } from './issuer-metadata.js'
import { createJtiReplayCache } from './jti-replay-cache.js'
import { respond } from './respond.js'

/** What the server reads from its issuer on every request. */
export interface IssuerSource extends TokenEndpointSource {
  jwks(): { keys: PublicJwk[] }
  algorithms(): readonly string[]
}

/** The request handler of a running issuer, with its counters and faults. */
export interface IssuerRoutes {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void
  readonly requests: (path?: string) => number
  readonly resetRequests: () => void
  readonly setFault: (endpoint: FaultEndpoint, fault: Fault | undefined) => void
  /** Cancels delayed answers, so nothing is written once the server closes. */
  readonly cancelPending: () => void
}

/** Paths served, relative to the issuer's origin. */
export const PATHS = {
  jwks: '/jwks.json',
  discovery: '/.well-known/openid-configuration',
  oauthMetadata: '/.well-known/oauth-authorization-server',
  introspect: '/introspect',
  revoke: '/revoke',
} as const

const ROUTES: ReadonlyMap<string, FaultEndpoint> = new Map([
  [PATHS.jwks, 'jwks'],
  [PATHS.discovery, 'discovery'],
  [PATHS.oauthMetadata, 'discovery'],
  [PATHS.introspect, 'introspect'],
  [PATHS.revoke, 'revoke'],
])

const ENDPOINTS: readonly FaultEndpoint[] = ['jwks', 'discovery', 'introspect', 'revoke']

/** Creates the handler that serves `source` as the issuer at `url`. */
export function createIssuerRoutes(source: IssuerSource, url: () => string): IssuerRoutes {
  const counts = new Map<string, number>()
  const faults = new Map<FaultEndpoint, Fault>()
  const timers = new Set<NodeJS.Timeout>()
  const replay = createJtiReplayCache()

  function healthy(endpoint: FaultEndpoint, req: IncomingMessage, res: ServerResponse): void {
    if (endpoint === 'introspect' || endpoint === 'revoke') {
      const audiences = [url(), url() + PATHS[endpoint]]
      void answerTokenRequest(req, res, { endpoint, source, replay, audiences })
      return
    }
    const document =
      endpoint === 'jwks' ? source.jwks() : issuerMetadata(url(), source.algorithms())
    respond(req, res, 200, document)
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const endpoint = ROUTES.get(path)
    if (endpoint === undefined) return respond(req, res, 404, { error: 'not_found' })
    const allowed = endpoint === 'introspect' || endpoint === 'revoke' ? ['POST'] : ['GET', 'HEAD']
    if (!allowed.includes(req.method ?? '')) {
      const headers = { Allow: allowed.join(', ') }
      return respond(req, res, 405, { error: 'method_not_allowed' }, headers)
    }
    const fault = faults.get(endpoint)
    if (fault !== undefined && 'hang' in fault) return // close() destroys the socket
    const answer = (): void => answerWith(fault, () => healthy(endpoint, req, res), req, res)
    if (fault === undefined || !('delayMs' in fault)) return answer()
    const timer = setTimeout(() => {
      timers.delete(timer)
      answer()
    }, fault.delayMs)
    timers.add(timer)
  }

  return {
    handle,
    requests: (path) =>
      path === undefined
        ? [...counts.values()].reduce((sum, count) => sum + count, 0)
        : (counts.get(path) ?? 0),
    resetRequests: () => counts.clear(),
    setFault: (endpoint, fault) => {
      if (!ENDPOINTS.includes(endpoint)) {
        throw new TypeError(`@tokenguard/test-tokens: no endpoint "${String(endpoint)}"`)
      }
      if (fault === undefined) faults.delete(endpoint)
      else faults.set(endpoint, checkFault(fault))
    },
    cancelPending: () => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}
