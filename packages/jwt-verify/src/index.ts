export { discoverJwksUri } from './discovery.js'
export { jwtBearer } from './express.js'
export { isCanonicalBase64url, parseJwt } from './parse-jwt.js'
export { createJwksCache } from './jwks-cache.js'
export { prepareKey } from './prepared-key.js'
export { verifyAsymmetric, verifyHmac } from './verify-signature.js'
export { createJwtVerifier } from './verifier.js'

export type { JwtBearerOptions } from './express.js'
export type {
  JwksCache,
  JwksCacheEvents,
  JwksCacheOptions,
  JwksFetchTrigger,
} from './jwks-cache.js'
export type {
  AccessTokenProfile,
  AsymmetricAlgorithm,
  ClaimsValidator,
  IssuerConfig,
  IssuerKeys,
  IssuerRules,
  JwksTuning,
  JwtAlgorithm,
  JwtVerifierOptions,
  SymmetricAlgorithm,
} from './options.js'
export type { ParsedJwt } from './parse-jwt.js'
export type { PreparedKey, PublicJwk } from './prepared-key.js'
export type { JwtVerifier } from './verifier.js'
