export { DEFAULT_TEST_CLIENT } from './clients/test-client.js'
export { createDpopClient } from './dpop/dpop-client.js'
export { expectRejectsHostileTokens } from './hostile/expect-rejects-hostile-tokens.js'
export { DEFAULT_TEST_ALGORITHMS, TEST_ALGORITHMS } from './keys/algorithms.js'
export { generateTestKey } from './keys/test-key.js'
export { createTestIssuer } from './test-issuer.js'

export type { TestClient } from './clients/test-client.js'
export type {
  BrokenDpopProof,
  DpopAlgorithm,
  DpopClient,
  DpopClientOptions,
  DpopProofOverrides,
  DpopProofRequest,
} from './dpop/dpop-client.js'
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
export type { TestAlgorithm } from './keys/algorithms.js'
export type { RotateKeysOptions } from './keys/rotate-keys.js'
export type { PublicJwk, TestKey, TestKeyOptions } from './keys/test-key.js'
export type { Fault, FaultEndpoint } from './server/fault.js'
export type { ListenOptions, RunningIssuer } from './server/running-issuer.js'
export type { TestIssuerOptions } from './issuer-options.js'
export type { TestIssuer } from './test-issuer.js'
export type { IntrospectionResponse } from './tokens/introspection-response.js'
export type { OpaqueOptions } from './tokens/opaque-options.js'
export type { SignOptions } from './tokens/sign-options.js'
