export { jwtBearer } from './express.js'
export { createJwksCache } from './jwks-cache.js'
export { createJwtVerifier } from './verifier.js'

export type { JwtBearerOptions } from './express.js'
export type {
  JwksCache,
  JwksCacheEvents,
  JwksCacheOptions,
  JwksFetchTrigger,
  SkippedKey,
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
export type { PreparedKey, PublicJwk } from './internal/prepared-key.js'
export type { JwtVerifier } from './verifier.js'
