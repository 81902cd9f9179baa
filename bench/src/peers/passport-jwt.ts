// PEER, not tokenguard: passport with passport-jwt and jwks-rsa's passportJwtSecret, as the
// READMEs write it, sessions off. A failure is passport's own 401. jsonwebtoken has no
// EdDSA, so this peer runs RS256 and ES256 only.
import type { RequestHandler } from 'express'
import jwksRsa from 'jwks-rsa'
import passport from 'passport'
import passportJwt from 'passport-jwt'
import type { BenchIssuerConfig } from '../protocol.js'
import type { BenchAlgorithm } from '../tokens.js'

export function passportJwtMiddleware(
  { issuer, audience, jwksUri }: BenchIssuerConfig,
  alg: BenchAlgorithm,
): RequestHandler {
  const authenticator = new passport.Passport()
  authenticator.use(
    new passportJwt.Strategy(
      {
        jwtFromRequest: passportJwt.ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKeyProvider: jwksRsa.passportJwtSecret({
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 5,
          jwksUri,
        }),
        issuer,
        audience,
        algorithms: [alg],
      },
      (payload, done) => done(null, payload),
    ),
  )
  return authenticator.authenticate('jwt', { session: false })
}
