import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Fault, FaultEndpoint } from './fault.js'
import { createIssuerRoutes, PATHS } from './issuer-routes.js'
import type { IssuerExtension, IssuerSource } from './issuer-routes.js'

/** Options of `TestIssuer.listen`. */
export interface ListenOptions {
  /** Port on 127.0.0.1. Default: 0 (a free port picked by the system). */
  port?: number
}

/**
 * The issuer's HTTP server on 127.0.0.1: JWKS, discovery, introspection and revocation,
 * with counters and faults.
 */
export interface RunningIssuer {
  /** The server's origin, e.g. `http://127.0.0.1:PORT`; also the issuer's `iss` now. */
  readonly url: string
  /** `${url}/jwks.json` */
  readonly jwksUri: string
  /** `${url}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4) */
  readonly discoveryUrl: string
  /** `${url}/.well-known/oauth-authorization-server` (RFC 8414 §3) */
  readonly oauthMetadataUrl: string
  /**
   * `${url}/introspect`: token introspection (RFC 7662 §2). POST a form with `token` (and
   * optionally `token_type_hint`, which is ignored) and client authentication.
   */
  readonly introspectionEndpoint: string
  /**
   * `${url}/revoke`: token revocation (RFC 7009 §2), with the same client authentication;
   * a client may revoke only tokens issued to it (`client_id`).
   */
  readonly revocationEndpoint: string
  /** Requests received for `path` (query string ignored), or in total when no path is given. */
  requests(path?: string): number
  /** Sets every request counter back to zero. */
  resetRequests(): void
  /**
   * Makes `endpoint` fail with `fault` from the next request on; `undefined` heals it.
   * `'discovery'` covers both well-known paths.
   */
  setFault(endpoint: FaultEndpoint, fault: Fault | undefined): void
  /** Stops the server and destroys every open socket, hanging requests included. */
  close(): Promise<void>
}

/** A running issuer whose faults may also name the endpoints of an extension. */
export interface RunningServer extends Omit<RunningIssuer, 'setFault'> {
  setFault(endpoint: string, fault: Fault | undefined): void
}

/**
 * Starts the issuer's server on 127.0.0.1 (never on other interfaces), with the routes of
 * `extension` on the same origin.
 *
 * @example
 * const running = await startIssuerServer(
 *   { jwks, algorithms, clients, introspect, revoke, now: Date.now },
 *   { port: 0 },
 * )
 */
export async function startIssuerServer(
  source: IssuerSource,
  options: ListenOptions = {},
  extension?: IssuerExtension,
): Promise<RunningServer> {
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError('@tokenguard/test-tokens: port must be an integer from 0 to 65535')
  }
  let url = ''
  const routes = createIssuerRoutes(source, () => url, extension)
  const server = createServer(routes.handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let closing: Promise<void> | undefined
  return {
    url,
    jwksUri: url + PATHS.jwks,
    discoveryUrl: url + PATHS.discovery,
    oauthMetadataUrl: url + PATHS.oauthMetadata,
    introspectionEndpoint: url + PATHS.introspect,
    revocationEndpoint: url + PATHS.revoke,
    requests: routes.requests,
    resetRequests: routes.resetRequests,
    setFault: routes.setFault,
    close() {
      closing ??= new Promise<void>((resolve) => {
        routes.cancelPending()
        server.close(() => resolve())
        // Hanging and keep-alive sockets would hold close() open: end them now.
        server.closeAllConnections()
      })
      return closing
    },
  }
}
