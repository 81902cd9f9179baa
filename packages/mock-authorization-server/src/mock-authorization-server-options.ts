import type { TestIssuer, TestIssuerOptions } from '@tokenguard/test-tokens'
import type { AuthorizationServerClient } from './clients/authorization-server-client.js'

/**
 * How the mock authorization server's grants and pages behave: everything of
 * {@link MockAuthorizationServerOptions} but the issuer and the clients.
 */
export interface AuthorizationServerSettings {
  /**
   * Approve every valid `/authorize` request at once for `subject`, with no login or consent
   * page, for headless tests. `listen({ autoApprove })` overrides it per server.
   * Default: `false`.
   */
  autoApprove?: boolean
  /**
   * The user (`sub`) that auto-approval signs in, and that the login page suggests.
   * Default: `'user-123'`, the `sub` of `sign()`.
   */
  subject?: string
  /**
   * Claims `/userinfo` answers for each subject beside `sub`, e.g.
   * `{ alice: { name: 'Alice', email: 'alice@example.test' } }`. Default: none (`sub` only).
   */
  users?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Lifetime of authorization codes, in seconds (RFC 6749 §4.1.2: short). Default: 60. */
  codeExpiresInSec?: number
  /** Lifetime of each refresh token, in seconds. Default: 86400 (1 day). */
  refreshTokenExpiresInSec?: number
  /** Lifetime of device codes and user codes (RFC 8628 §3.2), in seconds. Default: 600. */
  deviceCodeExpiresInSec?: number
  /**
   * Least time between two token requests for one device code, in seconds; polling faster
   * answers `slow_down` and adds 5 seconds to it (RFC 8628 §3.5). Default: 5.
   */
  devicePollIntervalSec?: number
}

/** Options of `createMockAuthorizationServer`. */
export interface MockAuthorizationServerOptions extends AuthorizationServerSettings {
  /**
   * The test issuer whose keys sign, whose store keeps the tokens, and whose JWKS,
   * introspection and revocation the server serves beside its own endpoints; its clock
   * (`now`) also expires codes, device codes and refresh tokens.
   * Default: a new `createTestIssuer(issuerOptions)`.
   */
  issuer?: TestIssuer
  /** Options of the issuer created when `issuer` is not given. Default: `{}`. */
  issuerOptions?: TestIssuerOptions
  /**
   * Clients to register, with their grant fields. Default: none beyond the issuer's own (a
   * new issuer has `DEFAULT_TEST_CLIENT`, which may use every grant). With an issuer created
   * here, a given list replaces the default client, as `createTestIssuer({ clients })` does.
   */
  clients?: readonly AuthorizationServerClient[]
}

/** Options of `MockAuthorizationServer.approveDevice`. */
export interface DeviceApprovalOptions {
  /** The user (`sub`) who approves. Default: the server's `subject` (`'user-123'`). */
  sub?: string
}
