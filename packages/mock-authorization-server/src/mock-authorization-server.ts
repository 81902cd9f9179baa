import { checkOptionNames } from '@tokenguard/core/internal'
import { createTestIssuer } from '@tokenguard/test-tokens'
import type { TestIssuer, TestIssuerOptions } from '@tokenguard/test-tokens'
import { issuerInternals } from '@tokenguard/test-tokens/internal'
import type { AuthorizationServerClient } from './clients/authorization-server-client.js'
import { createClientDirectory } from './clients/client-directory.js'
import { createGrantServer } from './grants/grant-server.js'
import type {
  DeviceApprovalOptions,
  MockAuthorizationServerOptions,
} from './mock-authorization-server-options.js'
import { optionNames } from '@tokenguard/core/internal'
import { PACKAGE } from './package-name.js'
import { startAuthorizationServer } from './running-authorization-server.js'
import type {
  AuthorizationServerListenOptions,
  RunningAuthorizationServer,
} from './running-authorization-server.js'
import {
  AUTHORIZATION_OPTIONS,
  checkSubject,
  resolveAuthorizationSettings,
} from './settings/authorization-settings.js'

/**
 * A mock OAuth 2.0 authorization server on a test issuer: `/authorize` with PKCE and a
 * login and consent page, `/token` (client credentials, authorization code, refresh tokens
 * with rotation, device code), device authorization with its verification page, and
 * `/userinfo`, for tests and local development.
 */
export interface MockAuthorizationServer {
  /** The test issuer that signs and keeps the tokens: `sign`, `introspect`, `revoke`, ... */
  readonly issuer: TestIssuer
  /**
   * Registers a client with its grant fields, or replaces the one with the same `client_id`
   * (at the issuer too: its credentials then work at `/introspect` and `/revoke`). Throws a
   * TypeError when the client has no credential (and is not public) or a malformed field.
   */
  registerClient(client: AuthorizationServerClient): void
  /**
   * Approves the pending device authorization with this user code (`ABCD-EFGH`; case,
   * spaces and dashes ignored), as a user at the verification page would: the device's next
   * poll gets its tokens. Throws a RangeError, which never repeats the code, when no pending
   * authorization has it.
   */
  approveDevice(userCode: string, options?: DeviceApprovalOptions): void
  /** Denies it: the device's next poll gets `access_denied`. Throws as `approveDevice` does. */
  denyDevice(userCode: string): void
  /**
   * Serves the authorization server and its issuer (JWKS, discovery listing every endpoint,
   * introspection, revocation) on one origin on 127.0.0.1, which becomes the issuer's `iss`.
   * One server at a time per issuer.
   */
  listen(options?: AuthorizationServerListenOptions): Promise<RunningAuthorizationServer>
}

const OPTIONS = optionNames<MockAuthorizationServerOptions>()([
  'issuer',
  'issuerOptions',
  'clients',
  ...AUTHORIZATION_OPTIONS,
] as const)

/**
 * Creates a mock authorization server on `options.issuer`, or on a new test issuer.
 *
 * @example
 * const server = await createMockAuthorizationServer({
 *   autoApprove: true,
 *   clients: [{ client_id: 'svc', client_secret: SECRET, scope: 'pets:read' }],
 * })
 * const running = await server.listen()
 * const answer = await fetch(running.tokenEndpoint, {
 *   method: 'POST',
 *   headers: { Authorization: `Basic ${btoa(`svc:${SECRET}`)}` },
 *   body: new URLSearchParams({ grant_type: 'client_credentials' }),
 * })
 * const { access_token } = await answer.json()
 * await running.close()
 */
export async function createMockAuthorizationServer(
  options: MockAuthorizationServerOptions = {},
): Promise<MockAuthorizationServer> {
  checkOptionNames(PACKAGE, options, OPTIONS)
  if (options.issuer !== undefined && options.issuerOptions !== undefined) {
    throw new TypeError(`${PACKAGE}: give issuer or issuerOptions, not both`)
  }
  const settings = resolveAuthorizationSettings(options)
  const clients = checkClients(options.clients)
  const issuer = options.issuer ?? (await createTestIssuer(issuerOptionsOf(options)))
  const internals = issuerInternals(issuer)
  const directory = createClientDirectory(internals.clients)
  for (const client of clients) directory.register(client)
  const grants = createGrantServer({
    clients: directory,
    settings,
    accessExpiresInSec: internals.defaultExpiresInSec,
    issuer: internals,
    signIdToken: (claims, expiresInSec) => issuer.sign(claims, { typ: 'JWT', expiresInSec }),
    introspect: (token) => issuer.introspect(token),
  })
  const decideDevice = (userCode: string, sub: string | undefined): void => {
    if (typeof userCode !== 'string' || !grants.decideDevice(userCode, sub)) {
      throw new RangeError(`${PACKAGE}: no pending device authorization has this user code`)
    }
  }

  return {
    issuer,
    registerClient: (client) => directory.register(client),
    approveDevice(userCode, approval = {}) {
      checkOptionNames(PACKAGE, approval, ['sub'])
      decideDevice(userCode, checkSubject(approval.sub ?? settings.subject))
    },
    denyDevice: (userCode) => decideDevice(userCode, undefined),
    listen: (listenOptions = {}) => startAuthorizationServer(internals, grants, listenOptions),
  }
}

// A given client list replaces the default client of an issuer created here.
function issuerOptionsOf(options: MockAuthorizationServerOptions): TestIssuerOptions {
  const issuerOptions = options.issuerOptions ?? {}
  if (options.clients === undefined || issuerOptions.clients !== undefined) return issuerOptions
  return { ...issuerOptions, clients: [] }
}

// Checked before iterating: a lone client object or a string must not pass as a list.
function checkClients(clients: unknown): readonly AuthorizationServerClient[] {
  if (clients === undefined) return []
  if (!Array.isArray(clients)) {
    throw new TypeError(`${PACKAGE}: clients must be an array of AuthorizationServerClient`)
  }
  return clients as readonly AuthorizationServerClient[]
}
