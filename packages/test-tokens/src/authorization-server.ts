import type { TestAlgorithm } from './algorithms.js'
import type { TestKey } from './test-key.js'

/**
 * Options of `createTestIssuer` for its authorization server: `/authorize`, `/token`,
 * `/device_authorization` and `/userinfo`.
 */
export interface AuthorizationServerOptions {
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

/** Options of `TestIssuer.rotateKeys`. */
export interface RotateKeysOptions {
  /**
   * How long the replaced keys stay in the JWKS, in milliseconds of the issuer's clock
   * (`now`), so tokens they signed keep verifying; 0 removes them at once.
   * Default: 600000 (10 min).
   */
  graceMs?: number
  /** The algorithms to rotate. Default: every algorithm the issuer has a key for. */
  algorithms?: readonly TestAlgorithm[]
}

/** Options of `TestIssuer.approveDevice`. */
export interface DeviceApprovalOptions {
  /** The user (`sub`) who approves. Default: the issuer's `subject` (`'user-123'`). */
  sub?: string
}

/**
 * What a test drives on the issuer's authorization server without HTTP: key rotation with a
 * grace period, and the user's side of the device authorization grant (RFC 8628 §3.3).
 */
export interface AuthorizationServerControls {
  /**
   * Generates a new key for each algorithm and signs with it from now on; the replaced keys
   * stay in the JWKS for `graceMs` (default 10 min, on the issuer's clock), then leave it,
   * and their tokens stop verifying and introspect as inactive. Resolves to the new keys.
   */
  rotateKeys(options?: RotateKeysOptions): Promise<TestKey[]>
  /**
   * Approves the pending device authorization with this user code (`ABCD-EFGH`; case,
   * spaces and dashes ignored): the device's next poll gets its tokens. Throws a RangeError,
   * which never repeats the code, when no pending authorization has it.
   */
  approveDevice(userCode: string, options?: DeviceApprovalOptions): void
  /** Denies it: the device's next poll gets `access_denied`. Throws as `approveDevice` does. */
  denyDevice(userCode: string): void
}
