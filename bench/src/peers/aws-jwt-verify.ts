// PEER, not tokenguard: aws-jwt-verify's JwtVerifier in the small middleware its README
// implies (verify, or 401 "Token not valid"). It fetches with node:https only, so a local
// http issuer needs a fetcher: the global fetch.
import type { Request, RequestHandler } from 'express'
import { JwtVerifier } from 'aws-jwt-verify'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import type { BenchIssuerConfig } from '../protocol.js'

export function awsJwtVerifyMiddleware({
  issuer,
  audience,
  jwksUri,
}: BenchIssuerConfig): RequestHandler {
  const fetcher = {
    fetch: async (uri: string): Promise<ArrayBuffer> => (await fetch(uri)).arrayBuffer(),
  }
  const verifier = JwtVerifier.create(
    { issuer, audience, jwksUri },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  )
  return async (req, res, next) => {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    try {
      ;(req as Request & { user?: unknown }).user = await verifier.verify(token)
      next()
    } catch {
      res.status(401).json({ error: 'invalid_token' })
    }
  }
}
