import { formatScopeParam, type ChallengeParams } from './internal/challenge.js'
import { buildHeaders, DEFAULT_RETRY_AFTER_SEC, describeStepUp } from './oauth-error-headers.js'
import type { OAuthErrorReason } from './oauth-error-reasons.js'
import type { ReceivedClaims } from './refusal-report.js'
import type {
  AuthorizationServerAnswer,
  OAuthErrorCode,
  OAuthErrorInit,
  OAuthErrorOptions,
  UserAuthenticationRequirement,
} from './oauth-error-types.js'

export type { OAuthErrorReason } from './oauth-error-reasons.js'
export type {
  AuthorizationServerAnswer,
  OAuthErrorCode,
  OAuthErrorOptions,
  UserAuthenticationRequirement,
} from './oauth-error-types.js'

/**
 * The one error type of tokenguard. It carries the OAuth error code, the HTTP status (as
 * `status` and `statusCode`) and the response `headers` with the `WWW-Authenticate`
 * challenge, so Express's default error handler already answers correctly; its `message`
 * is the safe description, and `reason` says why, for logs.
 *
 * Build it through the static factories so status, code and header never drift apart.
 *
 * @example
 * throw OAuthError.invalidToken('token_expired', 'The access token expired')
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError'
  /** OAuth error code, or `undefined` when the request carried no credentials (RFC 6750 §3.1). */
  readonly code: OAuthErrorCode | undefined
  /** HTTP status. */
  readonly status: 400 | 401 | 403 | 503
  /** Same as `status`, for handlers that read `statusCode`. */
  readonly statusCode: 400 | 401 | 403 | 503
  /** Safe, human-readable description; also the `message`. */
  readonly description: string
  /** Machine-readable reason for logs and metrics. */
  readonly reason: OAuthErrorReason
  /** What the authorization server answered, for errors of a client request. */
  readonly upstream: AuthorizationServerAnswer | undefined
  #headers: Readonly<Record<string, string>> | undefined
  /** Tells http-errors-aware handlers that the message is safe to show. */
  readonly expose = true
  readonly #init: OAuthErrorInit

  private constructor(init: OAuthErrorInit) {
    // An OAuthError is an answer to a client, not a bug: capturing a stack trace would cost
    // more than verifying the token, and a flood of bad tokens would pay it every time.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(init.description, init.cause === undefined ? undefined : { cause: init.cause })
    Error.stackTraceLimit = stackTraceLimit
    this.#init = init
    this.code = init.code
    this.status = init.status
    this.statusCode = init.status
    this.description = init.description
    this.reason = init.reason
    this.upstream = init.upstream
  }

  /** 401 with a bare challenge: the request carried no credentials (RFC 6750 §3.1). */
  static missingCredentials(
    reason: OAuthErrorReason = 'missing_token',
    options: OAuthErrorOptions = {},
  ): OAuthError {
    return OAuthError.#make(undefined, 401, 'An access token is required', reason, options)
  }

  /** 400 `invalid_request`: the request is malformed (RFC 6750 §3.1). */
  static invalidRequest(
    reason: OAuthErrorReason,
    description: string,
    options: OAuthErrorOptions = {},
  ): OAuthError {
    return OAuthError.#make('invalid_request', 400, description, reason, options)
  }

  /** 401 `invalid_token`: expired, revoked, malformed or otherwise invalid (RFC 6750 §3.1). */
  static invalidToken(
    reason: OAuthErrorReason,
    description = 'The access token is invalid',
    options: OAuthErrorOptions = {},
  ): OAuthError {
    return OAuthError.#make('invalid_token', 401, description, reason, options)
  }

  /** 403 `insufficient_scope` naming the scopes the resource needs (RFC 6750 §3.1). */
  static insufficientScope(
    scopes: readonly string[],
    description = 'The access token does not have the scope this resource requires',
    options: OAuthErrorOptions = {},
  ): OAuthError {
    const scope = formatScopeParam(scopes)
    const challenge = { ...options.challenge, scope: scope.length > 0 ? scope : undefined }
    return OAuthError.#make('insufficient_scope', 403, description, 'insufficient_scope', {
      ...options,
      challenge,
    })
  }

  /** 403 `insufficient_scope` for a token whose claims do not satisfy the resource. */
  static claimCheckFailed(
    description = 'The access token does not satisfy the requirements of this resource',
    options: OAuthErrorOptions = {},
  ): OAuthError {
    return OAuthError.#make('insufficient_scope', 403, description, 'claim_check_failed', options)
  }

  /**
   * 401 `insufficient_user_authentication`: the token is valid but the user must
   * authenticate again, at one of `acrValues` (`acr_values`, in order of preference) and/or
   * no longer than `maxAgeSec` ago (`max_age`), RFC 9470 §3. The default description says
   * which of the two the challenge asks for.
   *
   * @example
   * OAuthError.insufficientUserAuthentication({ acrValues: ['mfa'], maxAgeSec: 300 })
   * // WWW-Authenticate: Bearer error="insufficient_user_authentication",
   * //   error_description="...", acr_values="mfa", max_age="300"
   */
  static insufficientUserAuthentication(
    requirement: UserAuthenticationRequirement,
    description?: string,
    options: OAuthErrorOptions = {},
  ): OAuthError {
    const acrValues = formatScopeParam(requirement.acrValues ?? [])
    const { maxAgeSec } = requirement
    const maxAge =
      typeof maxAgeSec === 'number' && Number.isFinite(maxAgeSec) && maxAgeSec >= 0
        ? String(Math.floor(maxAgeSec))
        : undefined
    const challenge = {
      ...options.challenge,
      acr_values: acrValues.length > 0 ? acrValues : undefined,
      max_age: maxAge,
    }
    return OAuthError.#make(
      'insufficient_user_authentication',
      401,
      description ?? describeStepUp(challenge.acr_values !== undefined, maxAge !== undefined),
      'insufficient_user_authentication',
      { ...options, challenge },
    )
  }

  /**
   * 503 with `Retry-After`: the issuer (JWKS, introspection) could not be reached. An outage
   * is never reported as an invalid token. `retryAfterSec` is rounded up to a whole second,
   * at least 1; a value that is not a finite number gives the default, 5.
   */
  static temporarilyUnavailable(
    reason: OAuthErrorReason,
    retryAfterSec: number,
    options: OAuthErrorOptions = {},
  ): OAuthError {
    return OAuthError.#make(
      'temporarily_unavailable',
      503,
      'The authorization server could not be reached; try again later',
      reason,
      {
        ...options,
        retryAfterSec: Number.isFinite(retryAfterSec)
          ? Math.max(1, Math.ceil(retryAfterSec))
          : DEFAULT_RETRY_AFTER_SEC,
      },
    )
  }

  /**
   * 503 with `Retry-After` for a client request the authorization server refused or did not
   * answer (a token request of a service, a refresh, a device poll): the application's own
   * callers cannot fix it. `upstream` says what the server answered; `retryAfterSec` is the
   * server's `Retry-After` when it sent one, else the default, 5.
   */
  static authorizationServerFailed(
    reason: OAuthErrorReason,
    upstream: AuthorizationServerAnswer,
    options: OAuthErrorOptions & { retryAfterSec?: number } = {},
  ): OAuthError {
    const { retryAfterSec } = options
    return OAuthError.#make(
      'temporarily_unavailable',
      503,
      upstream.status === undefined
        ? 'The authorization server could not be reached; try again later'
        : `The authorization server answered HTTP ${upstream.status}${upstream.error === undefined ? '' : ` (${upstream.error})`}`,
      reason,
      {
        ...options,
        upstream,
        retryAfterSec:
          retryAfterSec !== undefined && Number.isFinite(retryAfterSec)
            ? Math.max(1, Math.ceil(retryAfterSec))
            : DEFAULT_RETRY_AFTER_SEC,
      },
    )
  }

  /**
   * 401 `invalid_dpop_proof` under the `DPoP` scheme: the DPoP proof is missing, malformed,
   * replayed or does not fit the request or the token (RFC 9449 §7.1).
   */
  static invalidDpopProof(
    reason: OAuthErrorReason,
    description: string,
    options: OAuthErrorOptions = {},
  ): OAuthError {
    return OAuthError.#make('invalid_dpop_proof', 401, description, reason, {
      scheme: 'DPoP',
      ...options,
    })
  }

  /**
   * 401 `use_dpop_nonce` with the nonce to use in a `DPoP-Nonce` header: the proof lacks
   * the server's current nonce (RFC 9449 §8, §9).
   */
  static useDpopNonce(nonce: string, options: OAuthErrorOptions = {}): OAuthError {
    return OAuthError.#make(
      'use_dpop_nonce',
      401,
      'The DPoP proof must carry the nonce of the DPoP-Nonce header',
      'dpop_nonce_required',
      { scheme: 'DPoP', ...options },
    ).withHeaders({ 'DPoP-Nonce': nonce })
  }

  static #make(
    code: OAuthErrorCode | undefined,
    status: 400 | 401 | 403 | 503,
    description: string,
    reason: OAuthErrorReason,
    options: OAuthErrorOptions & { retryAfterSec?: number },
  ): OAuthError {
    const init: OAuthErrorInit = {
      code,
      status,
      description,
      reason,
      challenge: options.challenge,
      scheme: options.scheme ?? 'Bearer',
    }
    if (options.retryAfterSec !== undefined) init.retryAfterSec = options.retryAfterSec
    if (options.cause !== undefined) init.cause = options.cause
    if (options.upstream !== undefined) init.upstream = options.upstream
    if (options.received !== undefined) init.received = options.received
    return new OAuthError(init)
  }

  /** The challenge parameters this error was built with (without `error` fields). */
  get challengeParams(): Readonly<ChallengeParams> {
    return { ...this.#init.challenge }
  }

  /**
   * A copy of this error whose challenge also carries `params` (such as the middleware's
   * `realm`); parameters already set on the error win.
   */
  withChallenge(params: ChallengeParams, scheme?: string): OAuthError {
    if ((scheme === undefined || scheme === this.#init.scheme) && this.#adds(params) === false) {
      return this
    }
    const challenge: ChallengeParams = { ...params }
    for (const [name, value] of Object.entries(this.#init.challenge ?? {})) {
      // A parameter left `undefined` on the error is not set, so it does not hide `params`.
      if (value !== undefined) challenge[name] = value
    }
    return new OAuthError({ ...this.#init, challenge, scheme: scheme ?? this.#init.scheme })
  }

  /**
   * A copy of this error whose `WWW-Authenticate` header also offers another scheme, after
   * the main challenge (RFC 9110 §11.6.1 allows several), e.g. `DPoP algs="ES256"` beside a
   * Bearer challenge when a resource accepts both (RFC 9449 §7.2).
   */
  withAlternative(scheme: string, params: ChallengeParams): OAuthError {
    const alternatives = [...(this.#init.alternatives ?? []), { scheme, params }]
    return new OAuthError({ ...this.#init, alternatives })
  }

  /**
   * A copy of this error that knows what the refused token claimed (`iss`, `aud`), for the
   * operator's `onRefusal` report; the client's answer is the same.
   */
  withReceived(received: ReceivedClaims): OAuthError {
    return new OAuthError({ ...this.#init, received })
  }

  /** A copy of this error that also sends `headers` (e.g. `DPoP-Nonce`, RFC 9449 §8). */
  withHeaders(headers: Readonly<Record<string, string>>): OAuthError {
    return new OAuthError({
      ...this.#init,
      extraHeaders: { ...this.#init.extraHeaders, ...headers },
    })
  }

  /**
   * Response headers: `WWW-Authenticate` for 4xx, `Retry-After` for 503 (plus any added
   * with {@link OAuthError.withHeaders}). Built on first read, since most errors are
   * re-dressed (realm, other schemes) before anyone reads them.
   */
  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= Object.freeze(buildHeaders(this.#init))
    return this.#headers
  }

  /**
   * The `iss` and `aud` the refused token claimed, when the verifier knew them (an
   * introspection response): read by the `onRefusal` report. A getter, so serialising the
   * error does not print them.
   */
  get received(): ReceivedClaims | undefined {
    return this.#init.received
  }

  /** The auth scheme of the main challenge. */
  get scheme(): string {
    return this.#init.scheme
  }

  /** Whether `params` would change the challenge (a parameter the error does not set yet). */
  #adds(params: ChallengeParams): boolean {
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && this.#init.challenge?.[name] === undefined) return true
    }
    return false
  }

  /** The RFC 6750 JSON body: `{ error, error_description }`. */
  toJSON(): { error?: OAuthErrorCode; error_description: string } {
    return this.code === undefined
      ? { error_description: this.description }
      : { error: this.code, error_description: this.description }
  }
}
