export { dpop } from './dpop.js'
export { jwkThumbprint } from './jwk-thumbprint.js'
export { createNonceSource } from './nonce-source.js'
export { createRequestUrl } from './request-url.js'
export { createProofVerifier, DEFAULT_DPOP_ALGORITHMS } from './verify-proof.js'

export type { DpopOptions } from './dpop.js'
export type { NonceOptions, NonceSource } from './nonce-source.js'
export type { RequestUrlOptions } from './request-url.js'
export type {
  ProofRequest,
  ProofVerifier,
  ProofVerifierOptions,
  VerifiedProof,
} from './verify-proof.js'
