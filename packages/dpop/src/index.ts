export { dpop } from './dpop.js'
export { createProofVerifier, DEFAULT_DPOP_ALGORITHMS } from './verify-proof.js'

export type { DpopOptions } from './dpop.js'
export type { NonceOptions } from './nonce-source.js'
export type {
  ProofRequest,
  ProofVerifier,
  ProofVerifierOptions,
  VerifiedProof,
} from './verify-proof.js'
