import type { OAuthErrorCode, OAuthErrorReason } from './oauth-error.js'

/** An issuer a verifier trusts, and the audiences it accepts from it. */
export interface TrustedIssuer {
  readonly issuer: string
  readonly audiences: readonly string[]
}

/**
 * What a bearer middleware tells the operator about one refusal, through its `onRefusal`
 * option: why (the `reason`), and the values that decided it. Never the token, never a
 * secret; the received values are what the token (or its introspection response) claimed,
 * unverified, each clipped to 256 characters.
 */
export interface RefusalReport {
  /** Why the request was refused, as the error's `reason`. */
  readonly reason: OAuthErrorReason
  /** The HTTP status the client gets. */
  readonly status: number
  /** The OAuth error code the client gets; `undefined` when no credentials were sent. */
  readonly code: OAuthErrorCode | undefined
  /** The issuers the middleware trusts (`iss` is compared exactly). */
  readonly expectedIssuers: readonly string[]
  /** The `iss` the token names, when it names one. */
  readonly receivedIssuer: string | undefined
  /** The audiences the middleware accepts (of the received issuer, when it is trusted). */
  readonly expectedAudiences: readonly string[]
  /** The `aud` the token names, as a list, when it names one. */
  readonly receivedAudience: readonly string[] | undefined
  /** The `kid` of a JWT's header. */
  readonly kid: string | undefined
  /** The `alg` of a JWT's header. */
  readonly alg: string | undefined
  /**
   * A hint at a classic mistake, such as an `iss` that differs from the configured issuer
   * only by a trailing slash.
   */
  readonly note: string | undefined
  /**
   * What failed underneath, for an outage: the upstream error, e.g. "... answered HTTP 404
   * at https://login.example.com/.well-known/openid-configuration".
   */
  readonly cause: unknown
}

/** The `onRefusal` option of the bearer middlewares. A listener that throws is ignored. */
export type RefusalListener = (report: RefusalReport) => void

/** What a verifier said about the token it refused, beside the error (unverified values). */
export interface ReceivedClaims {
  readonly iss?: unknown
  readonly aud?: unknown
}
