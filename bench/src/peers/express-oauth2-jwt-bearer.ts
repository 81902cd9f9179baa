// PEER, not tokenguard: Auth0's express-oauth2-jwt-bearer as its README configures it for an
// issuer without discovery: issuer, audience, jwksUri and the signing algorithm. Errors go
// to next(err) and the app's error handler.
import type { RequestHandler } from 'express'
import { auth } from 'express-oauth2-jwt-bearer'
import type { BenchIssuerConfig } from '../protocol.js'
import type { BenchAlgorithm } from '../tokens.js'

export function expressOauth2JwtBearer(
  { issuer, audience, jwksUri }: BenchIssuerConfig,
  alg: BenchAlgorithm,
): RequestHandler {
  return auth({ issuer, audience, jwksUri, tokenSigningAlg: alg }) as RequestHandler
}
