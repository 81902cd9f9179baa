import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createIssuerRoutes, PATHS } from './internal/issuer-routes.js'
import type { IssuerSource } from './internal/issuer-routes.js'

/**
 * A failure injected into one endpoint of a running issuer, for outage tests:
 * `{ status }` answers that status with a small JSON error body, `{ delayMs }` answers
 * normally after a delay (latency), `{ body }` answers 200 with that text as
 * `application/json`, and `{ hang: true }` never answers (until `close()`). `status` and
 * `body` may be combined. On `introspect` and `revoke`, a status, body or hang fault
 * answers before the request is read: no client is authenticated and nothing is revoked.
 */
export type Fault =
  | { readonly status: number; readonly body?: string }
  | { readonly delayMs: number }
  | { readonly body: string; readonly status?: number }
  | { readonly hang: true }

/**
 * An endpoint of the running issuer that can be given a {@link Fault}. `'discovery'` covers
 * both well-known paths, and `'authorize'` covers `/authorize` and the `/device` page.
 */
export type FaultEndpoint =
  | 'jwks'
  | 'discovery'
  | 'introspect'
  | 'revoke'
  | 'token'
  | 'authorize'
  | 'userinfo'
  | 'device_authorization'

/** Options of `TestIssuer.listen`. */
export interface ListenOptions {
  /** Port on 127.0.0.1. Default: 0 (a free port picked by the system). */
  port?: number
  /**
   * Approve every valid `/authorize` request at once, without the login and consent page.
   * Default: the issuer's `autoApprove` option (`false`).
   */
  autoApprove?: boolean
}

/**
 * The issuer's HTTP server on 127.0.0.1: JWKS, discovery, the authorization server
 * (`/authorize`, `/token`, device authorization, `/userinfo`), introspection and
 * revocation, with counters and faults.
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
  /** `${url}/revoke`: token revocation (RFC 7009 §2), with the same client authentication. */
  readonly revocationEndpoint: string
  /**
   * `${url}/authorize`: the authorization endpoint (RFC 6749 §3.1), `response_type=code` with
   * PKCE S256; a login and consent page, or an immediate redirect with `autoApprove`.
   */
  readonly authorizationEndpoint: string
  /**
   * `${url}/token`: the token endpoint (RFC 6749 §3.2) for `client_credentials`,
   * `authorization_code`, `refresh_token` and the device code grant (RFC 8628 §3.4).
   */
  readonly tokenEndpoint: string
  /** `${url}/device_authorization`: the device authorization endpoint (RFC 8628 §3.1). */
  readonly deviceAuthorizationEndpoint: string
  /** `${url}/device`: the page where a user enters a device's user code (RFC 8628 §3.3). */
  readonly deviceVerificationUri: string
  /** `${url}/userinfo`: the user's claims for an access token (OpenID Connect Core §5.3). */
  readonly userinfoEndpoint: string
  /** Requests received for `path` (query string ignored), or in total when no path is given. */
  requests(path?: string): number
  /** Sets every request counter back to zero. */
  resetRequests(): void
  /**
   * Makes `endpoint` fail with `fault` from the next request on; `undefined` heals it.
   * `'discovery'` covers both well-known paths; `'authorize'` covers `/authorize` and `/device`.
   */
  setFault(endpoint: FaultEndpoint, fault: Fault | undefined): void
  /** Stops the server and destroys every open socket, hanging requests included. */
  close(): Promise<void>
}

/**
 * Starts the issuer's server on 127.0.0.1 (never on other interfaces).
 *
 * @example
 * const running = await startIssuerServer(
 *   { jwks, algorithms, clients, introspect, revoke, grants, now: Date.now },
 *   { port: 0 },
 * )
 */
export async function startIssuerServer(
  source: IssuerSource,
  options: ListenOptions = {},
): Promise<RunningIssuer> {
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError('@tokenguard/test-tokens: port must be an integer from 0 to 65535')
  }
  const autoApprove = options.autoApprove ?? source.grants.settings.autoApprove
  if (typeof autoApprove !== 'boolean') {
    throw new TypeError('@tokenguard/test-tokens: autoApprove must be a boolean')
  }
  let url = ''
  const routes = createIssuerRoutes(source, () => url, { autoApprove })
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
    authorizationEndpoint: url + PATHS.authorize,
    tokenEndpoint: url + PATHS.token,
    deviceAuthorizationEndpoint: url + PATHS.deviceAuthorization,
    deviceVerificationUri: url + PATHS.device,
    userinfoEndpoint: url + PATHS.userinfo,
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
