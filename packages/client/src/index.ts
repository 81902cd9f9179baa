export { discoverAuthorizationServer } from './shared/authorization-server.js'
export { createServiceTokens } from './service/service-tokens.js'
export { createTokenFetch } from './service/token-fetch.js'

export type {
  AuthorizationServerOptions,
  ClientAuthentication,
} from './shared/authorization-server.js'
export type { CachedServiceToken } from './service/cached-service-token.js'
export type { ServiceTokenOptions } from './service/service-token-options.js'
export type { ServiceTokens } from './service/service-tokens.js'
export type { TokenFetchOptions } from './service/token-fetch.js'
export { createWebLogin } from './web/web-login.js'
export type { OAuthRequestContext } from './web/oauth-request-context.js'
export type { SessionRecord } from './web/session-record.js'
export type { WebLogin } from './web/web-login.js'
export type { WebLoginOptions } from './web/web-login-options.js'
export { deviceLogin } from './device/device-login.js'
export { refreshStoredTokens, revokeStoredToken } from './device/stored-tokens.js'
export type { DeviceLoginOptions, DevicePrompt, DeviceTokens } from './device/device-login.js'
