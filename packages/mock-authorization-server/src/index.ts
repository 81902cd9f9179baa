export { GRANT_TYPES } from './grants/grant-type.js'
export { createMockAuthorizationServer } from './mock-authorization-server.js'

export type { AuthorizationServerClient } from './clients/authorization-server-client.js'
export type { GrantType, TokenFormat } from './grants/grant-type.js'
export type { MockAuthorizationServer } from './mock-authorization-server.js'
export type {
  AuthorizationServerSettings,
  DeviceApprovalOptions,
  MockAuthorizationServerOptions,
} from './mock-authorization-server-options.js'
export type {
  AuthorizationServerFaultEndpoint,
  AuthorizationServerListenOptions,
  RunningAuthorizationServer,
} from './running-authorization-server.js'
