// PEER, not tokenguard: the seeds' jose-only middleware, written the way the tutorials
// write it: a remote JWKS, jwtVerify with issuer and audience, a 401 for any failure (a
// JWKS outage included). No result cache, no algorithm list.
import type { Request, RequestHandler } from 'express'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { BenchIssuerConfig } from '../protocol.js'

export function joseMiddleware({ issuer, audience, jwksUri }: BenchIssuerConfig): RequestHandler {
  const JWKS = createRemoteJWKSet(new URL(jwksUri))
  return async (req, res, next) => {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    try {
      const { payload } = await jwtVerify(token, JWKS, { issuer, audience })
      ;(req as Request & { user?: unknown }).user = payload
      next()
    } catch {
      res.status(401).json({ error: 'invalid_token' })
    }
  }
}
