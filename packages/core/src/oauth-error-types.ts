import type { ChallengeParams } from './internal/challenge.js'
import type { OAuthErrorReason } from './oauth-error-reasons.js'
import type { ReceivedClaims } from './refusal-report.js'

/**
 * OAuth error codes a resource server answers with (RFC 6750 §3.1, RFC 6749 §4.1.2.1,
 * RFC 9470 §3).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'

/**
 * What a resource asks of the user's authentication (RFC 9470 §3), as
 * {@link OAuthError.insufficientUserAuthentication} writes it into the challenge.
 */
export interface UserAuthenticationRequirement {
  /** Acceptable `acr` values, in order of preference: the `acr_values` parameter. */
  readonly acrValues?: readonly string[]
  /** Allowed age of the authentication, in seconds: the `max_age` parameter. */
  readonly maxAgeSec?: number
}

/**
 * What an authorization server answered when a client request failed: the HTTP status and
 * the OAuth `error` and `error_description` of its body (RFC 6749 §5.2), never a token.
 */
export interface AuthorizationServerAnswer {
  /** HTTP status of the answer; `undefined` when no answer came (network error, timeout). */
  readonly status: number | undefined
  /** The `error` code of the answer, such as `invalid_grant`. */
  readonly error?: string
  /** The `error_description` of the answer. */
  readonly errorDescription?: string
}

/** Options shared by the {@link OAuthError} factories. */
export interface OAuthErrorOptions {
  /** What the authorization server answered, when a client request failed. */
  upstream?: AuthorizationServerAnswer
  /** The underlying error, kept for logs (never rendered to the client). */
  cause?: unknown
  /** Extra challenge parameters such as `realm`. */
  challenge?: ChallengeParams
  /** Auth scheme of the challenge. Default: `'Bearer'`. */
  scheme?: string
  /**
   * The `iss` and `aud` the refused token claimed, for the operator's `onRefusal` report
   * (never rendered to the client).
   */
  received?: ReceivedClaims
}

/** @internal Everything an {@link OAuthError} is built from. */
export interface OAuthErrorInit {
  code: OAuthErrorCode | undefined
  status: 400 | 401 | 403 | 503
  description: string
  reason: OAuthErrorReason
  challenge: ChallengeParams | undefined
  scheme: string
  /** Further challenges sent after the main one (another scheme the resource accepts). */
  alternatives?: readonly { scheme: string; params: ChallengeParams }[]
  /** Further response headers, such as `DPoP-Nonce`. */
  extraHeaders?: Readonly<Record<string, string>>
  retryAfterSec?: number
  cause?: unknown
  upstream?: AuthorizationServerAnswer
  received?: ReceivedClaims
}
