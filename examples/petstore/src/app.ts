import {
  oauthErrorHandler,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  type BearerMethod,
  type Middleware,
  type ProtectedResourceMetadataOptions,
  type TokenBinding,
} from '@tokenguard/core'
import { DEFAULT_DPOP_ALGORITHMS, dpop, type DpopOptions } from '@tokenguard/dpop'
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
  jwt: Omit<JwtBearerOptions, 'realm' | 'dpop'>
  /**
   * Also accept opaque access tokens, introspected at the issuer (RFC 7662): an introspector
   * to share, or its options, such as `{ issuer, audience, clientAuth }`. JWT-shaped tokens
   * still go to the JWT verifier, every other token to introspection. Default: JWTs only.
   */
  introspection?: Introspector | IntrospectorOptions
  /**
   * Accept DPoP-bound access tokens (RFC 9449) on every `/api` route, in mixed mode (§7.2): a
   * token bound to a key (`cnf.jkt`) only as `Authorization: DPoP` with a fresh, single-use
   * proof of that key for the request, never as a bearer token; unbound tokens still work as
   * bearer tokens. Needs `publicOrigin` (the origin clients call, which the proof's `htu`
   * names) or `trustProxy`. Default: off, bearer tokens only.
   */
  dpop?: Omit<DpopOptions, 'mode'>
  /**
   * Serve the protected resource metadata (RFC 9728) at `/.well-known/oauth-protected-resource`
   * (with the path of `resource` inserted, if it has one) and name it as `resource_metadata`
   * in every challenge. Give `resource` (the audience of the tokens) and
   * `authorization_servers` (their issuer); the scopes, bearer methods and DPoP algorithms
   * come from this app. Default: not served.
   */
  resourceMetadata?: PetstoreResourceMetadata
  /** The pets and adoptions. Default: a fresh in-memory store with two pets. */
  store?: PetStore
  /** Largest JSON body accepted, in bytes. Default: 4096. */
  maxBodyBytes?: number
  /** Called with every error that becomes a 500. Default: nothing is logged. */
  logError?: (error: unknown) => void
}

/** What {@link PetstoreAppOptions.resourceMetadata} takes: the metadata the app cannot know. */
export type PetstoreResourceMetadata = Omit<
  ProtectedResourceMetadataOptions,
  | 'scopes_supported'
  | 'bearer_methods_supported'
  | 'dpop_signing_alg_values_supported'
  // Mixed mode: bound tokens are never required, which an absent member says (RFC 9728 §2).
  | 'dpop_bound_access_tokens_required'
>

/** The `realm` of every `WWW-Authenticate` challenge of the API. */
export const REALM = 'petstore'

/** The scopes the API's routes ask for, published as `scopes_supported`. */
export const SCOPES = ['pets:read', 'pets:write', 'adoptions:create', 'pets:stats'] as const

/**
 * Builds the PetStore API: `GET /health` (public), `GET /api/pets` (scope `pets:read`),
 * `POST /api/pets` (`pets:write`), `POST /api/adoptions` (`adoptions:create`, recording
 * the token's `sub`) and `GET /internal/pets/stats` (`pets:stats`, for services), with DPoP and the protected resource metadata when asked. It does not
 * listen; the caller serves it. Throws a `TypeError` at once for options that cannot work.
 *
 * @example
 * const app = createPetstoreApp({
 *   jwt: { issuer: 'https://login.example.com/', audience: 'https://api.example.com' },
 *   introspection: {
 *     issuer: 'https://login.example.com/',
 *     audience: 'https://api.example.com',
 *     clientAuth: { method: 'client_secret_basic', clientId: 'petstore', clientSecret },
 *   },
 *   dpop: { publicOrigin: 'https://api.example.com' },
 *   resourceMetadata: {
 *     resource: 'https://api.example.com',
 *     authorization_servers: ['https://login.example.com/'],
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
  // mode is set last: the example shows mixed mode, whatever a JavaScript caller passes.
  const binding =
    options.dpop === undefined ? undefined : dpop({ ...options.dpop, mode: 'allowed' })
  const metadata = resourceMetadataOf(options)

  const app = express()
  app.disable('x-powered-by')

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })

  if (metadata !== undefined) app.use(protectedResourceMetadata(metadata))

  // One bearer check for all of /api, DPoP included: a bound token needs its proof on every
  // route, so it cannot be replayed as a bearer token on a route that would not ask.
  app.use('/api', bearer(options, binding), (_req, res, next) => {
    // Answers depend on who asks: no shared cache may keep them.
    res.set('Cache-Control', 'no-store')
    next()
  })

  // For services (client credentials), not for people: the stats service calls it.
  app.use('/internal', bearer(options, binding), (_req, res, next) => {
    res.set('Cache-Control', 'no-store')
    next()
  })
  app.get('/internal/pets/stats', requireScopes('pets:stats'), (_req, res) => {
    const pets = store.listPets()
    const adopted = pets.filter((pet) => pet.status === 'adopted').length
    res.json({ pets: pets.length, adopted, available: pets.length - adopted })
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
  app.use(
    oauthErrorHandler(
      metadata === undefined
        ? {}
        : { resourceMetadata: protectedResourceMetadataUrl(metadata.resource) },
    ),
  )
  app.use(bodyErrorHandler())
  app.use(serverErrorHandler(options.logError))
  return app
}

/**
 * The metadata document's options: the caller's, plus what the app knows: its scopes, how it
 * reads tokens, and the DPoP algorithms when DPoP is on.
 */
function resourceMetadataOf({
  resourceMetadata,
  jwt,
  dpop: dpopOptions,
}: PetstoreAppOptions): ProtectedResourceMetadataOptions | undefined {
  if (resourceMetadata === undefined) return undefined
  const methods: BearerMethod[] = ['header']
  if (jwt.allowBodyToken === true) methods.push('body')
  if (jwt.allowQueryToken === true) methods.push('query')
  return {
    ...resourceMetadata,
    scopes_supported: SCOPES,
    bearer_methods_supported: methods,
    ...(dpopOptions === undefined
      ? {}
      : { dpop_signing_alg_values_supported: dpopOptions.algorithms ?? DEFAULT_DPOP_ALGORITHMS }),
  }
}

/** The token check of `/api`: JWTs only, or JWTs and opaque tokens when introspection is on. */
function bearer(
  { jwt, introspection }: PetstoreAppOptions,
  binding: TokenBinding | undefined,
): Middleware {
  if (Object.hasOwn(jwt, 'dpop')) {
    throw new TypeError('petstore: give DPoP as the dpop option of createPetstoreApp, not jwt.dpop')
  }
  const dpopOption = binding === undefined ? {} : { dpop: binding }
  if (introspection === undefined) return jwtBearer({ ...jwt, realm: REALM, ...dpopOption })
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
    ...dpopOption,
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
