// Type-checked (never run) under each TypeScript setting the READMEs support. Every package is
// imported; the @ts-expect-error lines fail the check if a package's types resolved to `any`
// (an unused @ts-expect-error is an error), and the Express lines check that the middleware
// types fit Express's and that `req.auth` is typed by core's declaration merging.
import express from 'express'
import { OAuthError, oauthErrorHandler, type AuthContext } from '@tokenguard/core'
import { dpop } from '@tokenguard/dpop'
import { createIntrospector, hybridBearer } from '@tokenguard/introspect'
import { createJwtVerifier, jwtBearer, type JwtVerifierOptions } from '@tokenguard/jwt-verify'
import { createMockAuthorizationServer } from '@tokenguard/mock-authorization-server'
import { createRedactor, requestLogger } from '@tokenguard/redact'
import { createScopeGuards, requireScopes } from '@tokenguard/scopes'
import { createRedisStore } from '@tokenguard/store-redis'
import { createTestIssuer } from '@tokenguard/test-tokens'

const ISSUER = 'https://login.example.com'
const AUDIENCE = 'https://api.example.com'

export function createApp(): express.Express {
  const app = express()
  const { requireScopes: requireScopesInRealm } = createScopeGuards({ realm: 'pets' })
  app.use(requestLogger({ logger: console, redactor: createRedactor() }))
  app.use(
    '/api',
    jwtBearer({
      issuer: ISSUER,
      audience: AUDIENCE,
      dpop: dpop({ mode: 'allowed', publicOrigin: AUDIENCE }),
    }),
  )
  app.get('/api/pets', requireScopes('pets:read'), (req, res) => {
    const auth: AuthContext | undefined = req.auth
    const subject: string | undefined = req.auth?.subject
    // @ts-expect-error subject is a string, not a number
    const wrong: number | undefined = req.auth?.subject
    res.json({ subject, scopes: auth?.scopes, wrong })
  })
  app.post('/api/pets', requireScopesInRealm('pets:write'), (_req, res) => {
    res.status(201).end()
  })
  app.use(oauthErrorHandler())
  return app
}

export function createHybrid(clientSecret: string): express.RequestHandler {
  const options: JwtVerifierOptions = { issuer: ISSUER, audience: AUDIENCE }
  return hybridBearer({
    jwt: createJwtVerifier(options),
    introspection: createIntrospector({
      issuer: ISSUER,
      audience: AUDIENCE,
      clientAuth: { method: 'client_secret_basic', clientId: 'api', clientSecret },
    }),
  })
}

export async function mintToken(): Promise<string> {
  const issuer = await createTestIssuer()
  const server = await createMockAuthorizationServer({ issuer })
  void server
  return issuer.sign({ scope: 'pets:read' })
}

export function refusal(): OAuthError {
  // @ts-expect-error requireScopes takes scope strings
  requireScopes(42)
  // @ts-expect-error createRedisStore needs a client
  createRedisStore({})
  return OAuthError.invalidToken('token_expired')
}
