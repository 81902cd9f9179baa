export { createAuthContext, parseScopes } from './auth-context.js'
export { oauthErrorHandler } from './error-handler.js'
export { extractBearerToken } from './extract-token.js'
export { OAuthError } from './oauth-error.js'
export {
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata.js'
export { createMemoryStore } from './store.js'

export type { AccessTokenClaims, AuthContext, AuthContextInit } from './auth-context.js'
export type { BearerMiddlewareOptions } from './internal/bearer-middleware.js'
export type { TokenBinding } from './token-binding.js'
export type {
  AccessTokenScheme,
  ExtractedToken,
  TokenExtractionOptions,
  TokenRequest,
} from './extract-token.js'
export type { FetchLike } from './internal/fetch-json.js'
export type { OAuthErrorHandlerOptions } from './error-handler.js'
export type { ErrorMiddleware, Middleware, NextFunction } from './middleware.js'
export type {
  OAuthErrorCode,
  OAuthErrorOptions,
  OAuthErrorReason,
  AuthorizationServerAnswer,
  UserAuthenticationRequirement,
} from './oauth-error.js'
export type {
  BearerMethod,
  ProtectedResourceMetadataOptions,
} from './protected-resource-metadata.js'
export type { MemoryStoreOptions, Store } from './store.js'
export type {
  ReceivedClaims,
  RefusalListener,
  RefusalReport,
  TrustedIssuer,
} from './refusal-report.js'
