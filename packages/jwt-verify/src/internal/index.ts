/**
 * `@tokenguard/jwt-verify/internal`: the JWS primitives the tokenguard packages share (DPoP
 * proofs are JWSs too). Not a public API: names and signatures change in any release,
 * without a major version. Import from `@tokenguard/jwt-verify` instead.
 *
 * @packageDocumentation
 */
export { discoverJwksUri } from './discovery.js'
export { isJwtShaped } from './jwt-shape.js'
export { isCanonicalBase64url, parseJwt } from './parse-jwt.js'
export { peekJwt } from './peek-jwt.js'
export { prepareKey } from './prepared-key.js'
export { verifyAsymmetric, verifyHmac } from './verify-signature.js'

export type { ParsedJwt } from './parse-jwt.js'
export type { PreparedKey, PublicJwk } from './prepared-key.js'
