import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Fault, FaultEndpoint } from '../running-issuer.js'
import type { PublicJwk } from '../test-key.js'
import { answerTokenRequest } from './answer-token-request.js'
import type { TokenEndpointSource } from './answer-token-request.js'
import { answerAuthorize } from './authorize-endpoint.js'
import { createConsentTokens } from './consent-tokens.js'
import { answerDeviceVerification } from './device-verification.js'
import { answerWith, checkFault } from './fault.js'
import type { GrantServer } from './grant-server.js'
import { issuerMetadata } from './issuer-metadata.js'
import { createJtiReplayCache } from './jti-replay-cache.js'
import { respond } from './respond.js'
import { answerDeviceAuthorization, answerToken } from './token-endpoint.js'
import { answerUserinfo } from './userinfo-endpoint.js'
import type { AssertionContext } from './verify-client-assertion.js'

/** What the server reads from its issuer on every request. */
export interface IssuerSource extends TokenEndpointSource {
  jwks(): { keys: PublicJwk[] }
  algorithms(): readonly string[]
  /** The authorization server: `/authorize`, `/token`, devices, `/userinfo`. */
  readonly grants: GrantServer
}

/** Per-server settings of the routes. */
export interface RouteSettings {
  /** Whether `/authorize` approves at once for the configured subject. */
  readonly autoApprove: boolean
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
  authorize: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  deviceAuthorization: '/device_authorization',
  device: '/device',
} as const

type PathName = keyof typeof PATHS

/** Each path's fault switch and methods; the device page shares the `authorize` switch. */
const ROUTES: ReadonlyMap<string, { name: PathName; fault: FaultEndpoint; methods: string[] }> =
  new Map(
    (
      [
        ['jwks', 'jwks', ['GET', 'HEAD']],
        ['discovery', 'discovery', ['GET', 'HEAD']],
        ['oauthMetadata', 'discovery', ['GET', 'HEAD']],
        ['introspect', 'introspect', ['POST']],
        ['revoke', 'revoke', ['POST']],
        ['authorize', 'authorize', ['GET', 'POST']],
        ['token', 'token', ['POST']],
        ['userinfo', 'userinfo', ['GET', 'POST']],
        ['deviceAuthorization', 'device_authorization', ['POST']],
        ['device', 'authorize', ['GET', 'POST']],
      ] as const
    ).map(([name, fault, methods]) => [PATHS[name], { name, fault, methods: [...methods] }]),
  )

// Distinct paths counted one by one; requests to further unknown paths are counted together.
const MAX_COUNTED_PATHS = 1_000

const ENDPOINTS: readonly FaultEndpoint[] = [
  'jwks',
  'discovery',
  'introspect',
  'revoke',
  'token',
  'authorize',
  'userinfo',
  'device_authorization',
]

/** Creates the handler that serves `source` as the issuer at `url`. */
export function createIssuerRoutes(
  source: IssuerSource,
  url: () => string,
  settings: RouteSettings,
): IssuerRoutes {
  const counts = new Map<string, number>()
  let uncounted = 0
  const faults = new Map<FaultEndpoint, Fault>()
  const timers = new Set<NodeJS.Timeout>()
  const replay = createJtiReplayCache()
  const consent = createConsentTokens()

  // Client assertions may name the issuer or the endpoint they are sent to (RFC 7523 §3).
  const clientContext = (path: string): AssertionContext => ({
    registry: source.clients,
    replay,
    audiences: [url(), url() + path],
    nowMs: source.now(),
  })

  function healthy(name: PathName, req: IncomingMessage, res: ServerResponse): void {
    const { grants } = source
    switch (name) {
      case 'introspect':
      case 'revoke': {
        const audiences = [url(), url() + PATHS[name]]
        return void answerTokenRequest(req, res, { endpoint: name, source, replay, audiences })
      }
      case 'token':
        return void answerToken(req, res, grants, clientContext(PATHS.token))
      case 'deviceAuthorization': {
        const context = {
          ...clientContext(PATHS.deviceAuthorization),
          verificationUri: url() + PATHS.device,
        }
        return void answerDeviceAuthorization(req, res, grants, context)
      }
      case 'authorize': {
        const context = {
          server: grants,
          consent,
          issuer: url(),
          autoApprove: settings.autoApprove,
        }
        return void answerAuthorize(req, res, context)
      }
      case 'device':
        return void answerDeviceVerification(req, res, grants, consent)
      case 'userinfo':
        return answerUserinfo(req, res, grants)
      case 'jwks':
        return respond(req, res, 200, source.jwks())
      case 'discovery':
      case 'oauthMetadata':
        return respond(req, res, 200, issuerMetadata(url(), source.algorithms()))
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (counts.has(path) || counts.size < MAX_COUNTED_PATHS) {
      counts.set(path, (counts.get(path) ?? 0) + 1)
    } else {
      uncounted++
    }
    const route = ROUTES.get(path)
    if (route === undefined) return respond(req, res, 404, { error: 'not_found' })
    if (!route.methods.includes(req.method ?? '')) {
      const headers = { Allow: route.methods.join(', ') }
      return respond(req, res, 405, { error: 'method_not_allowed' }, headers)
    }
    const fault = faults.get(route.fault)
    if (fault !== undefined && 'hang' in fault) return // close() destroys the socket
    const answer = (): void => answerWith(fault, () => healthy(route.name, req, res), req, res)
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
