import { formatChallenge, type ChallengeParams } from './internal/challenge.js'
import type { OAuthErrorInit } from './oauth-error-types.js'

/** `Retry-After` of a 503 whose factory got no usable value, in seconds. */
export const DEFAULT_RETRY_AFTER_SEC = 5
// Challenge parameters the error writes itself, so the header always matches the body.
const OWN_PARAMS = new Set(['realm', 'error', 'error_description'])

// The wording of the examples of RFC 9470 §3.
/** The default description of a step-up refusal. */
export function describeStepUp(acr: boolean, maxAge: boolean): string {
  if (acr && maxAge) {
    return 'A different authentication level and more recent authentication are required'
  }
  if (maxAge) return 'More recent authentication is required'
  if (acr) return 'A different authentication level is required'
  return 'The user must authenticate again'
}

/** The response headers of an error: `Retry-After` for 503, else the `WWW-Authenticate` challenges. */
export function buildHeaders(init: OAuthErrorInit): Record<string, string> {
  if (init.status === 503) {
    return {
      ...init.extraHeaders,
      'Retry-After': String(init.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC),
    }
  }
  const params: ChallengeParams = { realm: init.challenge?.realm }
  // RFC 6750 §3.1: no error information when the request had no credentials.
  if (init.code !== undefined) {
    params.error = init.code
    params.error_description = init.description
  }
  for (const [name, value] of Object.entries(init.challenge ?? {})) {
    if (!OWN_PARAMS.has(name)) params[name] = value
  }
  const challenges = [formatChallenge(init.scheme, params)]
  for (const alternative of init.alternatives ?? []) {
    challenges.push(formatChallenge(alternative.scheme, alternative.params))
  }
  return { ...init.extraHeaders, 'WWW-Authenticate': challenges.join(', ') }
}
