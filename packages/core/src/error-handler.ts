import type { ChallengeParams } from './internal/challenge.js'
import { checkOptionNames, optionNames } from './internal/check-options.js'
import type { ErrorMiddleware } from './middleware.js'
import { OAuthError } from './oauth-error.js'
import { publicUrlProblem } from './internal/public-url.js'

/** Options of {@link oauthErrorHandler}. */
export interface OAuthErrorHandlerOptions {
  /**
   * URL of the resource's protected resource metadata, written as `resource_metadata="..."`
   * in every challenge (RFC 9728 §5.1), so a client can discover the authorization server
   * from a 401. Pass `protectedResourceMetadataUrl(resource)`. Default: none.
   */
  resourceMetadata?: string
  /**
   * `realm` of every challenge that does not carry one yet (the bearer middleware's own
   * realm wins). Default: none.
   */
  realm?: string
}

const PACKAGE = '@tokenguard/core'

/**
 * Error middleware that renders an {@link OAuthError} as the RFC 6750 JSON body
 * `{ "error": ..., "error_description": ... }` with its status and `WWW-Authenticate`
 * (or `Retry-After`) header. Any other error is passed on to the next error handler.
 * With `resourceMetadata`, every challenge also carries `resource_metadata="..."`
 * (RFC 9728 §5.1). Throws a `TypeError` at start-up for a bad option.
 *
 * Without it, Express's and Connect's default handler still answer with the right
 * status and challenge, because `OAuthError` carries `status` and `headers`.
 *
 * @example
 * app.use(oauthErrorHandler())
 * const resourceMetadata = protectedResourceMetadataUrl('https://api.example.com')
 * app.use(oauthErrorHandler({ resourceMetadata }))
 */
export function oauthErrorHandler(options: OAuthErrorHandlerOptions = {}): ErrorMiddleware {
  const dress = dresserOf(options)
  return function oauthErrorHandlerMiddleware(err, _req, res, next) {
    if (!(err instanceof OAuthError) || res.headersSent) {
      next(err)
      return
    }
    const error = dress(err)
    const body = JSON.stringify(error.toJSON())
    res.statusCode = error.status
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value)
    res.setHeader('Content-Type', 'application/json; charset=utf-8')
    res.setHeader('Content-Length', Buffer.byteLength(body))
    res.setHeader('Cache-Control', 'no-store')
    res.end(body)
  }
}

const HANDLER_OPTION_NAMES = optionNames<OAuthErrorHandlerOptions>()(['resourceMetadata', 'realm'])

/** Validates the options once and returns what adds their parameters to an error. */
function dresserOf(options: OAuthErrorHandlerOptions): (error: OAuthError) => OAuthError {
  checkOptionNames(PACKAGE, options, HANDLER_OPTION_NAMES)
  const { resourceMetadata, realm } = options
  if (realm !== undefined && (typeof realm !== 'string' || realm === '')) {
    throw new TypeError(`${PACKAGE}: oauthErrorHandler realm must be a non-empty string`)
  }
  if (resourceMetadata !== undefined) {
    const problem = publicUrlProblem(resourceMetadata, false)
    if (problem !== undefined) {
      throw new TypeError(
        `${PACKAGE}: oauthErrorHandler resourceMetadata ${problem}; pass ` +
          `protectedResourceMetadataUrl('https://api.example.com')`,
      )
    }
  }
  const params: ChallengeParams = {}
  if (realm !== undefined) params.realm = realm
  if (resourceMetadata !== undefined) params.resource_metadata = resourceMetadata
  if (Object.keys(params).length === 0) return (error) => error
  return (error) => error.withChallenge(params)
}
