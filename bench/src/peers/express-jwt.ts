// PEER, not tokenguard: express-jwt with jwks-rsa, as both READMEs write it: the signing
// key by kid from the JWKS, cached, with the rate limit of the example (5 JWKS requests per
// minute). jsonwebtoken has no EdDSA, so this peer runs RS256 and ES256 only.
import type { RequestHandler } from 'express'
import { expressjwt, type GetVerificationKey } from 'express-jwt'
import jwksRsa from 'jwks-rsa'
import type { BenchIssuerConfig } from '../protocol.js'
import type { BenchAlgorithm } from '../tokens.js'

export function expressJwtMiddleware(
  { issuer, audience, jwksUri }: BenchIssuerConfig,
  alg: BenchAlgorithm,
): RequestHandler {
  return expressjwt({
    secret: jwksRsa.expressJwtSecret({
      cache: true,
      rateLimit: true,
      jwksRequestsPerMinute: 5,
      jwksUri,
    }) as GetVerificationKey,
    audience,
    issuer,
    algorithms: [alg as 'RS256' | 'ES256'],
  }) as RequestHandler
}
