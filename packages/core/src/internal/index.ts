/**
 * `@tokenguard/core/internal`: what the tokenguard packages share with each other. Not a
 * public API: names and signatures change in any release, without a major version. Import
 * from `@tokenguard/core` instead.
 *
 * @packageDocumentation
 */
export { ASYMMETRIC_ALGORITHMS, isAsymmetricAlgorithm, SYMMETRIC_ALGORITHMS } from './algorithms.js'
export {
  BEARER_MIDDLEWARE_OPTION_NAMES,
  createBearerMiddleware,
  splitBearerOptions,
} from './bearer-middleware.js'
export { formatChallenge, formatScopeParam, sanitizeChallengeValue } from './challenge.js'
export { checkOptionNames, optionNames } from './check-options.js'
export { discoverMetadata, metadataUrl, metadataUrls } from './discover-metadata.js'
export { fetchJson, fetchJsonAnswer, UpstreamError } from './fetch-json.js'
export { isJwtShaped } from './jwt-shape.js'
export { createListeners } from './listeners.js'
export { OAUTH_ERROR_REASONS } from '../oauth-error-reasons.js'
export {
  MAX_TIMER_MS,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from './number-options.js'
export { preloadGlobalFetch } from './preload-fetch.js'
export { createRefusalReporter } from './refusal-reporter.js'
export { sha256Base64url } from './sha256.js'
export { checkTokenClaims } from './token-claims.js'
export { discoveredUrlProblem, insecureUrlProblem, issuerProblem } from './url-policy.js'

export type { AsymmetricAlgorithm, SymmetricAlgorithm } from './algorithms.js'
export type { BearerMiddlewareOptions, TokenCheck } from './bearer-middleware.js'
export type { ChallengeParams } from './challenge.js'
export type { DiscoveryOptions } from './discover-metadata.js'
export type { FetchLike, JsonAnswer, JsonRequest, UpstreamErrorKind } from './fetch-json.js'
export type { Listeners } from './listeners.js'
export type { PeekedToken, RefusalContext } from './refusal-reporter.js'
export type { TokenClaimRules } from './token-claims.js'
