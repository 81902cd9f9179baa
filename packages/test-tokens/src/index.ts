export { DEFAULT_TEST_ALGORITHMS, TEST_ALGORITHMS } from './algorithms.js'
export { GRANT_TYPES } from './grant-type.js'
export { DEFAULT_TEST_CLIENT } from './test-client.js'
export { createDpopClient } from './dpop-client.js'
export { createTestIssuer } from './test-issuer.js'
export { expectRejectsHostileTokens } from './hostile/expect-rejects-hostile-tokens.js'
export { generateTestKey } from './test-key.js'

export type { TestAlgorithm } from './algorithms.js'
export type {
  BrokenDpopProof,
  DpopAlgorithm,
  DpopClient,
  DpopClientOptions,
  DpopProofOverrides,
  DpopProofRequest,
} from './dpop-client.js'
export type {
  AuthorizationServerControls,
  AuthorizationServerOptions,
  DeviceApprovalOptions,
  RotateKeysOptions,
} from './authorization-server.js'
export type { GrantType, TokenFormat } from './grant-type.js'
export type {
  ExpectRejectsHostileTokensOptions,
  HostileIssuer,
} from './hostile/expect-rejects-hostile-tokens.js'
export type { HostileExpectation, HostileToken } from './hostile/hostile-token.js'
export type {
  HostileAllOptions,
  HostileClaims,
  HostileTokens,
  HostileUrlOptions,
} from './hostile/hostile-tokens.js'
export type { IntrospectionResponse } from './introspection-response.js'
export type { OpaqueOptions } from './opaque-options.js'
export type { Fault, FaultEndpoint, ListenOptions, RunningIssuer } from './running-issuer.js'
export type { SignOptions } from './sign-options.js'
export type { TestClient } from './test-client.js'
export type { PublicJwk, TestKey, TestKeyOptions } from './test-key.js'
export type { TestIssuer, TestIssuerOptions } from './test-issuer.js'
