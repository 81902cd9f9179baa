import type { OAuthError } from '../oauth-error.js'
import type { RefusalListener, RefusalReport, TrustedIssuer } from '../refusal-report.js'

/** What a middleware knows about the tokens it checks, for its refusal reports. */
export interface RefusalContext {
  /** The issuers the verifier trusts, with their audiences. */
  readonly trusted: readonly TrustedIssuer[]
  /**
   * Reads, without verifying, what a token says about itself (a JWT's header and claims), or
   * `undefined` for a token that says nothing (opaque, or not decodable).
   */
  readonly peek?: (token: string) => PeekedToken | undefined
}

/** What an unverified token says about itself. */
export interface PeekedToken {
  readonly iss?: unknown
  readonly aud?: unknown
  readonly kid?: unknown
  readonly alg?: unknown
}

const MAX_VALUE = 256
const MAX_AUDIENCES = 16

/**
 * Builds the function that reports a refusal to the operator's `onRefusal` listener: the
 * expected values from `context`, the received ones from the error (an introspection
 * response) or from an unverified look at the token, clipped; never the token itself. A
 * listener that throws is ignored.
 *
 * @example
 * const report = createRefusalReporter(options.onRefusal, { trusted, peek })
 * report(error, token)
 */
export function createRefusalReporter(
  listener: RefusalListener,
  context: RefusalContext,
): (error: OAuthError, token: string | undefined) => void {
  // One issuer may be trusted twice (a JWT verifier and an introspector): merge its audiences.
  const byIssuer = new Map<string, string[]>()
  for (const { issuer, audiences: accepted } of context.trusted) {
    byIssuer.set(issuer, [...new Set([...(byIssuer.get(issuer) ?? []), ...accepted])])
  }
  const expectedIssuers = [...byIssuer.keys()]
  const allAudiences = [...new Set([...byIssuer.values()].flat())]
  return (error, token) => {
    let report: RefusalReport
    try {
      const peeked = token === undefined ? undefined : context.peek?.(token)
      const iss = text(error.received?.iss ?? peeked?.iss)
      const trusted = iss === undefined ? undefined : byIssuer.get(iss)
      report = {
        reason: error.reason,
        status: error.status,
        code: error.code,
        expectedIssuers,
        receivedIssuer: iss,
        expectedAudiences: trusted ?? allAudiences,
        receivedAudience: audiences(error.received?.aud ?? peeked?.aud),
        kid: text(peeked?.kid),
        alg: text(peeked?.alg),
        note:
          iss === undefined || trusted !== undefined ? undefined : slashNote(iss, expectedIssuers),
        cause: error.cause,
      }
      listener(report)
    } catch {
      // A broken listener (or a hostile value it chokes on) never changes the answer.
    }
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_VALUE) : undefined
}

function audiences(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string') return [value.slice(0, MAX_VALUE)]
  if (!Array.isArray(value)) return undefined
  return value
    .slice(0, MAX_AUDIENCES)
    .filter((entry): entry is string => typeof entry === 'string')
    .map((entry) => entry.slice(0, MAX_VALUE))
}

// The classic: "https://login.example.com/" configured, "https://login.example.com" in iss.
function slashNote(iss: string, expected: readonly string[]): string | undefined {
  const bare = iss.replace(/\/+$/, '')
  const near = expected.find((issuer) => issuer.replace(/\/+$/, '') === bare)
  return near === undefined
    ? undefined
    : `the token's iss "${iss}" differs from the configured issuer "${near}" only by a trailing slash; iss is compared exactly`
}
