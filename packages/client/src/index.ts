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
