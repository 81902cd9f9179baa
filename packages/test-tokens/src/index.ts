export { DEFAULT_TEST_ALGORITHMS, TEST_ALGORITHMS } from './algorithms.js'
export { createTestIssuer } from './test-issuer.js'

export type { TestAlgorithm } from './algorithms.js'
export type { Fault, FaultEndpoint, ListenOptions, RunningIssuer } from './running-issuer.js'
export type { SignOptions } from './sign-options.js'
export type { PublicJwk, TestKey, TestKeyOptions } from './test-key.js'
export type { TestIssuer, TestIssuerOptions } from './test-issuer.js'
