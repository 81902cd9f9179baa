import { OAuthError, type OAuthErrorReason, type AuthorizationServerAnswer } from '@tokenguard/core'
import { ResponseBodyError, WWWAuthenticateChallengeError } from 'openid-client'

// An authorization server's words are shown to operators, never trusted: printable ASCII,
// bounded, and only the RFC 6749 §5.2 fields.
const MAX_DESCRIPTION = 200
const ERROR_CODE = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/

/**
 * The OAuth `error` code of a failed openid-client call when the server answered with one
 * (such as `invalid_grant`), else `undefined`.
 */
export function upstreamErrorCode(error: unknown): string | undefined {
  if (error instanceof ResponseBodyError) return errorCode(error.error)
  if (error instanceof WWWAuthenticateChallengeError) {
    return errorCode(error.cause[0]?.parameters.error)
  }
  return undefined
}

function errorCode(value: unknown): string | undefined {
  return typeof value === 'string' && ERROR_CODE.test(value) ? value : undefined
}

const MAX_BODY_BYTES = 4096

/** What a failed request to the authorization server came to, kept to answer later callers. */
export interface FailedRequest {
  /** What the server answered (no status when it did not answer). */
  readonly answer: AuthorizationServerAnswer
  /** The server's `Retry-After`, in seconds, when it sent one. */
  readonly retryAfterSec: number | undefined
  /** The original error, for logs. */
  readonly cause: unknown
}

/**
 * Reads what an openid-client call that failed came to: the status, the OAuth `error` and
 * `error_description` of the answer, and its `Retry-After`. Nothing of the request (no
 * token, code, verifier or secret) is in it.
 */
export async function describeFailure(error: unknown): Promise<FailedRequest> {
  const response = responseOf(error)
  const answer: { status: number | undefined; error?: string; errorDescription?: string } = {
    status: response?.status,
  }
  const body = error instanceof ResponseBodyError ? error.cause : await unreadBody(response)
  const code = upstreamErrorCode(error) ?? errorCode(body?.error)
  if (code !== undefined) answer.error = code
  const description = body?.error_description
  if (typeof description === 'string') answer.errorDescription = printable(description)
  return { answer, retryAfterSec: retryAfter(response), cause: safeCause(error) }
}

/**
 * A fresh {@link OAuthError} (503 with `Retry-After`) for a failed request: reason
 * `authorization_server_unavailable` when no answer came, else `authorization_server_refused`.
 */
export function failureError(failed: FailedRequest): OAuthError {
  const reason: OAuthErrorReason =
    failed.answer.status === undefined
      ? 'authorization_server_unavailable'
      : 'authorization_server_refused'
  return OAuthError.authorizationServerFailed(reason, failed.answer, {
    cause: failed.cause,
    ...(failed.retryAfterSec === undefined ? {} : { retryAfterSec: failed.retryAfterSec }),
  })
}

/** {@link describeFailure} then {@link failureError}. */
export async function upstreamFailure(error: unknown): Promise<OAuthError> {
  return failureError(await describeFailure(error))
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date), capped at an hour. */
export function retryAfter(response: Response | undefined): number | undefined {
  const value = response?.headers.get('retry-after')?.trim()
  if (value === undefined || value === '') return undefined
  const seconds = /^\d{1,9}$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000
  return Number.isFinite(seconds) ? Math.min(3600, Math.max(0, seconds)) : undefined
}

/** The JSON object of an error answer openid-client left unread, bounded; else `undefined`. */
async function unreadBody(
  response: Response | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (response === undefined || response.bodyUsed || response.body === null) return undefined
  try {
    const length = Number(response.headers.get('content-length') ?? '0')
    if (length > MAX_BODY_BYTES) return undefined
    const text = await response.text()
    if (text.length > MAX_BODY_BYTES) return undefined
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object'
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The answer behind an openid-client error, when one came. */
export function responseOf(error: unknown): Response | undefined {
  if (error instanceof ResponseBodyError || error instanceof WWWAuthenticateChallengeError) {
    return error.response
  }
  const cause = error instanceof Error ? error.cause : undefined
  return cause instanceof Response ? cause : undefined
}

function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > MAX_DESCRIPTION ? `${clean.slice(0, MAX_DESCRIPTION)}…` : clean
}

/**
 * The error of a failed openid-client call as a cause to keep for logs: its name, code and
 * message (fixed texts of the library, bounded), without the nested `cause`, which can hold
 * a response body with tokens in it.
 */
export function safeCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('request failed')
  const code = (error as Error & { code?: unknown }).code
  const kept = new Error(
    printable(`${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`),
  )
  kept.name = 'AuthorizationServerError'
  return kept
}
