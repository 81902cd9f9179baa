import { checkOptionNames } from '@tokenguard/core/internal'
import type { Fault, FaultEndpoint, ListenOptions, RunningIssuer } from '@tokenguard/test-tokens'
import type { IssuerInternals } from '@tokenguard/test-tokens/internal'
import { AUTHORIZATION_SERVER_PATHS, authorizationServerRoutes } from './endpoints/routes.js'
import type { GrantServer } from './grants/grant-server.js'
import { optionNames } from '@tokenguard/core/internal'
import { PACKAGE } from './package-name.js'

/** Options of `MockAuthorizationServer.listen`. */
export interface AuthorizationServerListenOptions extends ListenOptions {
  /**
   * Approve every valid `/authorize` request at once, without the login and consent page.
   * Default: the server's `autoApprove` option (`false`).
   */
  autoApprove?: boolean
}

/**
 * An endpoint of the authorization server that can be given a {@link Fault}, beside the
 * issuer's. `'authorize'` covers `/authorize` and the `/device` page.
 */
export type AuthorizationServerFaultEndpoint =
  'token' | 'authorize' | 'userinfo' | 'device_authorization'

/**
 * The running issuer with the authorization server on the same origin: `/authorize`,
 * `/token`, device authorization, `/userinfo`, beside the JWKS, discovery (which lists every
 * endpoint), introspection and revocation, with counters and faults for all of them.
 */
export interface RunningAuthorizationServer extends RunningIssuer {
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
  /**
   * Makes `endpoint` fail with `fault` from the next request on; `undefined` heals it.
   * `'discovery'` covers both well-known paths; `'authorize'` covers `/authorize` and `/device`.
   */
  setFault(
    endpoint: FaultEndpoint | AuthorizationServerFaultEndpoint,
    fault: Fault | undefined,
  ): void
}

const LISTEN_OPTIONS = optionNames<AuthorizationServerListenOptions>()(['port', 'autoApprove'])

/** Serves `grants` on the issuer's server (127.0.0.1), as `listen` does. */
export async function startAuthorizationServer(
  issuer: IssuerInternals,
  grants: GrantServer,
  options: AuthorizationServerListenOptions,
): Promise<RunningAuthorizationServer> {
  checkOptionNames(PACKAGE, options, LISTEN_OPTIONS)
  const { autoApprove = grants.settings.autoApprove, ...listenOptions } = options
  if (typeof autoApprove !== 'boolean') {
    throw new TypeError(`${PACKAGE}: autoApprove must be a boolean`)
  }
  const running = await issuer.listen(
    listenOptions,
    authorizationServerRoutes(grants, { autoApprove }),
  )
  const { url } = running
  const paths = AUTHORIZATION_SERVER_PATHS
  return {
    ...running,
    authorizationEndpoint: url + paths.authorize,
    tokenEndpoint: url + paths.token,
    deviceAuthorizationEndpoint: url + paths.deviceAuthorization,
    deviceVerificationUri: url + paths.device,
    userinfoEndpoint: url + paths.userinfo,
  }
}
