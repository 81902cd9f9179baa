export { createAuthContext, parseScopes } from './auth-context.js'
export { BEARER_MIDDLEWARE_OPTION_NAMES, createBearerMiddleware } from './bearer-middleware.js'
export { formatChallenge, formatScopeParam, sanitizeChallengeValue } from './challenge.js'
export { checkOptionNames } from './check-options.js'
export { discoverMetadata, metadataUrl, metadataUrls } from './discover-metadata.js'
export { oauthErrorHandler } from './error-handler.js'
export { extractBearerToken } from './extract-token.js'
export { fetchJson, UpstreamError } from './fetch-json.js'
export { createListeners } from './listeners.js'
export { OAuthError } from './oauth-error.js'
export {
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata.js'
export { createMemoryStore } from './store.js'
export { insecureUrlProblem } from './url-policy.js'
export { sha256Base64url } from './internal/sha256.js'

export type { AccessTokenClaims, AuthContext, AuthContextInit } from './auth-context.js'
export type { BearerMiddlewareOptions, TokenCheck } from './bearer-middleware.js'
export type { ChallengeParams } from './challenge.js'
export type { TokenBinding } from './token-binding.js'
export type { DiscoveryOptions } from './discover-metadata.js'
export type {
  AccessTokenScheme,
  ExtractedToken,
  TokenExtractionOptions,
  TokenRequest,
} from './extract-token.js'
export type { FetchLike, JsonRequest, UpstreamErrorKind } from './fetch-json.js'
export type { Listeners } from './listeners.js'
export type { OAuthErrorHandlerOptions } from './error-handler.js'
export type { ErrorMiddleware, Middleware, NextFunction } from './middleware.js'
export type {
  OAuthErrorCode,
  OAuthErrorOptions,
  OAuthErrorReason,
  UserAuthenticationRequirement,
} from './oauth-error.js'
export type {
  BearerMethod,
  ProtectedResourceMetadataOptions,
} from './protected-resource-metadata.js'
export type { MemoryStoreOptions, Store } from './store.js'
