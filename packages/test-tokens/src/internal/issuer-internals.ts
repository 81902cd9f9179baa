import type { ClientRegistry } from '../clients/client-registry.js'
import type { IssuerExtension } from '../server/issuer-routes.js'
import type { ListenOptions, RunningServer } from '../server/running-issuer.js'
import type { OpaqueOptions } from '../tokens/opaque-options.js'
import type { SignOptions } from '../tokens/sign-options.js'

/**
 * What the mock authorization server reads and drives on a test issuer, beyond its public
 * members: the clock, the client registry, tokens issued under a grant (so a whole grant can
 * be revoked at once), and a server that carries extra routes on the issuer's origin.
 */
export interface IssuerInternals {
  /** The issuer's clock, in milliseconds (its `now` option). */
  readonly now: () => number
  /** Lifetime of the access tokens it mints, in seconds (`defaultExpiresInSec`). */
  readonly defaultExpiresInSec: number
  /** The clients of `/introspect` and `/revoke`, which `registerClient` fills. */
  readonly clients: ClientRegistry
  /** Signs as `sign` does, and records the token as issued under `grantId`. */
  signInGrant(
    grantId: string,
    claims: Record<string, unknown>,
    options?: SignOptions,
  ): Promise<string>
  /** Issues as `issueOpaque` does, under `grantId`. */
  issueOpaqueInGrant(
    grantId: string,
    claims: Record<string, unknown>,
    options?: OpaqueOptions,
  ): string
  /** Revokes this one token (a rotated refresh token), never its grant. */
  retire(token: string): void
  /** Revokes every token issued under `grantId`: each introspects as inactive from now on. */
  revokeGrant(grantId: string): void
  /** Whether `grantId` was revoked, by `revokeGrant` or by revoking one of its refresh tokens. */
  isGrantRevoked(grantId: string): boolean
  /**
   * Listens as `listen` does, serving `extension`'s routes and metadata on the same origin;
   * the issuer counts as listening until the server closes.
   */
  listen(options: ListenOptions, extension: IssuerExtension): Promise<RunningServer>
}
