import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticateClient } from '../clients/authenticate-client.js'
import type { ClientAuthResult, ClientRequest } from '../clients/authenticate-client.js'
import { createJtiReplayCache } from '../clients/jti-replay-cache.js'
import { answerTokenRequest } from '../endpoints/answer-token-request.js'
import type { TokenEndpointSource } from '../endpoints/answer-token-request.js'
import type { PublicJwk } from '../keys/test-key.js'
import { answerWith, checkFault } from './fault.js'
import type { Fault } from './fault.js'
import { issuerMetadata } from './issuer-metadata.js'
import { respond } from './respond.js'

/** What the server reads from its issuer on every request. */
export interface IssuerSource extends TokenEndpointSource {
  jwks(): { keys: PublicJwk[] }
  algorithms(): readonly string[]
}

/** What a route of an {@link IssuerExtension} is given with each request. */
export interface RouteContext {
  /** The server's origin: the issuer identifier. */
  readonly url: string
  /**
   * Authenticates the client of a request as `/introspect` does (one method of
   * `client_secret_basic`, `client_secret_post`, `private_key_jwt`, bearer token); client
   * assertions may name the issuer or this route's URL as `aud`, and each is used once.
   */
  authenticate(request: ClientRequest): Promise<ClientAuthResult>
}

/** A route an {@link IssuerExtension} adds to the issuer's server. */
export interface ExtensionRoute {
  /** The path, relative to the origin, e.g. `'/token'`. */
  readonly path: string
  /** The fault switch of the route (routes may share one), e.g. `'token'`. */
  readonly fault: string
  /** The methods answered; others get 405 with `Allow`. */
  readonly methods: readonly string[]
  /** Answers a request; must end `res` and never throw. */
  handle(req: IncomingMessage, res: ServerResponse, context: RouteContext): void
}

/** Routes and metadata served beside the issuer's own, on the same origin. */
export interface IssuerExtension {
  readonly routes: readonly ExtensionRoute[]
  /** Members added to both discovery documents, for the server at `url`. */
  metadata(url: string, algorithms: readonly string[]): Readonly<Record<string, unknown>>
}

/** The request handler of a running issuer, with its counters and faults. */
export interface IssuerRoutes {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void
  readonly requests: (path?: string) => number
  readonly resetRequests: () => void
  /** Sets or heals the fault of an endpoint: an issuer's, or one an extension added. */
  readonly setFault: (endpoint: string, fault: Fault | undefined) => void
  /** Cancels delayed answers, so nothing is written once the server closes. */
  readonly cancelPending: () => void
}

/** Paths the issuer serves, relative to its origin. */
export const PATHS = {
  jwks: '/jwks.json',
  discovery: '/.well-known/openid-configuration',
  oauthMetadata: '/.well-known/oauth-authorization-server',
  introspect: '/introspect',
  revoke: '/revoke',
} as const

type Handler = (req: IncomingMessage, res: ServerResponse) => void
interface Route {
  readonly fault: string
  readonly methods: readonly string[]
  readonly handle: Handler
}

// Distinct paths counted one by one; requests to further unknown paths are counted together.
const MAX_COUNTED_PATHS = 1_000

/** Creates the handler that serves `source` as the issuer at `url`, with `extension`. */
export function createIssuerRoutes(
  source: IssuerSource,
  url: () => string,
  extension: IssuerExtension | undefined,
): IssuerRoutes {
  const counts = new Map<string, number>()
  let uncounted = 0
  const faults = new Map<string, Fault>()
  const timers = new Set<NodeJS.Timeout>()
  const replay = createJtiReplayCache()
  const routes = buildRoutes(source, url, replay, extension)
  const endpoints = new Set([...routes.values()].map((route) => route.fault))

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (counts.has(path) || counts.size < MAX_COUNTED_PATHS) {
      counts.set(path, (counts.get(path) ?? 0) + 1)
    } else {
      uncounted++
    }
    const route = routes.get(path)
    if (route === undefined) return respond(req, res, 404, { error: 'not_found' })
    if (!route.methods.includes(req.method ?? '')) {
      const headers = { Allow: route.methods.join(', ') }
      return respond(req, res, 405, { error: 'method_not_allowed' }, headers)
    }
    const fault = faults.get(route.fault)
    if (fault !== undefined && 'hang' in fault) return // close() destroys the socket
    const answer = (): void => answerWith(fault, () => route.handle(req, res), req, res)
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
        ? [...counts.values()].reduce((sum, count) => sum + count, uncounted)
        : (counts.get(path) ?? 0),
    resetRequests: () => {
      counts.clear()
      uncounted = 0
    },
    setFault: (endpoint, fault) => {
      if (!endpoints.has(endpoint)) {
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

// The issuer's routes, then the extension's; a path is served by one route only.
function buildRoutes(
  source: IssuerSource,
  url: () => string,
  replay: ReturnType<typeof createJtiReplayCache>,
  extension: IssuerExtension | undefined,
): ReadonlyMap<string, Route> {
  // Client assertions may name the issuer or the endpoint they are sent to (RFC 7523 §3).
  const authenticator = (path: string) => (request: ClientRequest) =>
    authenticateClient(request, {
      registry: source.clients,
      replay,
      audiences: [url(), url() + path],
      nowMs: source.now(),
    })
  const metadata: Handler = (req, res) =>
    respond(req, res, 200, {
      ...issuerMetadata(url()),
      ...extension?.metadata(url(), source.algorithms()),
    })
  const tokenRequest =
    (endpoint: 'introspect' | 'revoke'): Handler =>
    (req, res) =>
      void answerTokenRequest(req, res, {
        endpoint,
        source,
        authenticate: authenticator(PATHS[endpoint]),
      })
  const routes = new Map<string, Route>([
    [
      PATHS.jwks,
      {
        fault: 'jwks',
        methods: ['GET', 'HEAD'],
        handle: (req, res) => respond(req, res, 200, source.jwks()),
      },
    ],
    [PATHS.discovery, { fault: 'discovery', methods: ['GET', 'HEAD'], handle: metadata }],
    [PATHS.oauthMetadata, { fault: 'discovery', methods: ['GET', 'HEAD'], handle: metadata }],
    [
      PATHS.introspect,
      { fault: 'introspect', methods: ['POST'], handle: tokenRequest('introspect') },
    ],
    [PATHS.revoke, { fault: 'revoke', methods: ['POST'], handle: tokenRequest('revoke') }],
  ])
  for (const route of extension?.routes ?? []) {
    if (routes.has(route.path)) {
      throw new TypeError(`@tokenguard/test-tokens: the path ${route.path} is served twice`)
    }
    const authenticate = authenticator(route.path)
    routes.set(route.path, {
      fault: route.fault,
      methods: [...route.methods],
      handle: (req, res) => route.handle(req, res, { url: url(), authenticate }),
    })
  }
  return routes
}
