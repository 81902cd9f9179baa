import { oauthErrorHandler, type Middleware } from '@tokenguard/core'
import {
  createIntrospector,
  hybridBearer,
  type Introspector,
  type IntrospectorOptions,
} from '@tokenguard/introspect'
import { createJwtVerifier, jwtBearer, type JwtBearerOptions } from '@tokenguard/jwt-verify'
import { createScopeGuards } from '@tokenguard/scopes'
import express, { type Express, type Request } from 'express'
import { bodyErrorHandler, notFound, serverErrorHandler } from './error-handlers.js'
import { jsonBody } from './json-body.js'
import { createPetStore, parseAdoptionRequest, parseNewPet, type PetStore } from './pets.js'

/** Options of {@link createPetstoreApp}. */
export interface PetstoreAppOptions {
  /**
   * How access tokens are checked: `{ verifier }` to share a verifier, or its options,
   * such as `{ issuer, audience }`. The realm is always `petstore`.
   */
  jwt: Omit<JwtBearerOptions, 'realm'>
  /**
   * Also accept opaque access tokens, introspected at the issuer (RFC 7662): an introspector
   * to share, or its options, such as `{ issuer, audience, clientAuth }`. JWT-shaped tokens
   * still go to the JWT verifier, every other token to introspection. Default: JWTs only.
   */
  introspection?: Introspector | IntrospectorOptions
  /** The pets and adoptions. Default: a fresh in-memory store with two pets. */
  store?: PetStore
  /** Largest JSON body accepted, in bytes. Default: 4096. */
  maxBodyBytes?: number
  /** Called with every error that becomes a 500. Default: nothing is logged. */
  logError?: (error: unknown) => void
}

/** The `realm` of every `WWW-Authenticate` challenge of the API. */
export const REALM = 'petstore'

/**
 * Builds the PetStore API: `GET /health` (public), `GET /api/pets` (scope `pets:read`),
 * `POST /api/pets` (`pets:write`) and `POST /api/adoptions` (`adoptions:create`, recording
 * the token's `sub`). It does not listen; the caller serves it. Throws a `TypeError` at
 * once for options that cannot work.
 *
 * @example
 * const app = createPetstoreApp({
 *   jwt: { issuer: 'https://login.example.com/', audience: 'https://api.example.com' },
 *   introspection: {
 *     issuer: 'https://login.example.com/',
 *     audience: 'https://api.example.com',
 *     clientAuth: { method: 'client_secret_basic', clientId: 'petstore', clientSecret },
 *   },
 * })
 * app.listen(3000)
 */
export function createPetstoreApp(options: PetstoreAppOptions): Express {
  const store = options.store ?? createPetStore()
  const json = jsonBody(options.maxBodyBytes ?? 4096)
  const { requireScopes, requireClaims } = createScopeGuards({ realm: REALM })
  // An adoption is recorded against a person, so the token must say who it is.
  const hasSubject = requireClaims((claims) => typeof claims.sub === 'string' && claims.sub !== '')

  const app = express()
  app.disable('x-powered-by')

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })

  app.use('/api', bearer(options), (_req, res, next) => {
    // Answers depend on who asks: no shared cache may keep them.
    res.set('Cache-Control', 'no-store')
    next()
  })

  app.get('/api/pets', requireScopes('pets:read'), (_req, res) => {
    res.json({ pets: store.listPets() })
  })

  app.post('/api/pets', requireScopes('pets:write'), ...json, (req, res) => {
    const pet = store.addPet(parseNewPet(req.body))
    if (pet === undefined) {
      res.status(507).json({ error: 'store_full', error_description: 'The store is full' })
      return
    }
    res.status(201).json(pet)
  })

  app.post('/api/adoptions', requireScopes('adoptions:create'), hasSubject, ...json, (req, res) => {
    const { petId } = parseAdoptionRequest(req.body)
    const result = store.adopt(petId, subjectOf(req))
    if (result.ok) res.status(201).json(result.adoption)
    else if (result.reason === 'pet_not_found') {
      res.status(404).json({
        error: 'pet_not_found',
        error_description: 'No pet has this id',
        field: 'petId',
      })
    } else {
      res.status(409).json({
        error: 'already_adopted',
        error_description: 'This pet has already been adopted',
        field: 'petId',
      })
    }
  })

  app.use(notFound())
  app.use(oauthErrorHandler())
  app.use(bodyErrorHandler())
  app.use(serverErrorHandler(options.logError))
  return app
}

/** The token check of `/api`: JWTs only, or JWTs and opaque tokens when introspection is on. */
function bearer({ jwt, introspection }: PetstoreAppOptions): Middleware {
  if (introspection === undefined) return jwtBearer({ ...jwt, realm: REALM })
  // The request-reading options keep their meaning; the rest configures the JWT verifier.
  const { verifier, credentialsRequired, setUser, allowBodyToken, allowQueryToken, ...rules } = jwt
  if (verifier !== undefined && Object.keys(rules).length > 0) {
    throw new TypeError(
      `petstore: give jwt either a verifier or verifier options (${Object.keys(rules).join(', ')}), not both`,
    )
  }
  return hybridBearer({
    jwt: verifier ?? createJwtVerifier(rules),
    introspection: isIntrospector(introspection)
      ? introspection
      : createIntrospector(introspection),
    realm: REALM,
    ...(credentialsRequired === undefined ? {} : { credentialsRequired }),
    ...(setUser === undefined ? {} : { setUser }),
    ...(allowBodyToken === undefined ? {} : { allowBodyToken }),
    ...(allowQueryToken === undefined ? {} : { allowQueryToken }),
  })
}

function isIntrospector(value: Introspector | IntrospectorOptions): value is Introspector {
  return typeof (value as Partial<Introspector>).introspect === 'function'
}

function subjectOf(req: Request): string {
  const subject = req.auth?.subject
  // The guards let no request without a subject this far; a bug if one comes anyway.
  if (subject === undefined) throw new Error('petstore: the adoption route ran without a sub')
  return subject
}
