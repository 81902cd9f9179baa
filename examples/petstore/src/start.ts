import { protectedResourceMetadataUrl } from '@tokenguard/core'
import { createIntrospector, type Introspector } from '@tokenguard/introspect'
import { createJwtVerifier, type JwtVerifier } from '@tokenguard/jwt-verify'
import {
  createMockAuthorizationServer,
  type MockAuthorizationServer,
  type RunningAuthorizationServer,
} from '@tokenguard/mock-authorization-server'
import {
  createDpopClient,
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type DpopClient,
  type RunningIssuer,
} from '@tokenguard/test-tokens'
import { createPetstoreApp } from './app.js'
import { listen } from './listen.js'
import { httpOriginOf } from './config.js'

/** Options of {@link startPetstore}. */
export interface PetstoreStartOptions {
  /** Port of the API. Default: 3000; 0 picks a free one. */
  port?: number
  /** Interface of the API. Default: `'127.0.0.1'`. */
  host?: string
  /**
   * The origin clients call, such as `https://api.example.com` behind a proxy: DPoP proofs
   * name it in `htu` (RFC 9449 §4.3). Default: the listening address, e.g.
   * `http://127.0.0.1:3000`.
   */
  publicOrigin?: string
  /** A real issuer whose tokens to accept. Default: a local test issuer, started here. */
  issuer?: string
  /**
   * The `aud` the API accepts, and the `resource` of its protected resource metadata.
   * Required with `issuer`. Default: the public origin, e.g. `http://127.0.0.1:3000`.
   */
  audience?: string
  /**
   * This API's client credentials at the real `issuer`'s introspection endpoint (found in
   * its metadata), sent as `client_secret_basic`: with them, opaque tokens are accepted too.
   * Only with `issuer`; the local issuer is always introspected, as its test client.
   * Default: JWTs only.
   */
  introspectionClient?: { clientId: string; clientSecret: string }
  /** Port of the local authorization server. Default: 0 (a free one; clients discover it). */
  authorizationServerPort?: number
  /** Called with every error that becomes a 500. */
  logError?: (error: unknown) => void
}

/** Tokens minted by the local issuer, one per scope set the API knows. */
export interface DemoTokens {
  readonly 'pets:read': string
  readonly 'pets:write': string
  readonly 'adoptions:create': string
  /** An opaque token with scope `pets:read`, which the API introspects. */
  readonly opaque: string
}

/** The DPoP demo of the local issuer (RFC 9449): a bound token and a proof for one adoption. */
export interface DemoDpop {
  /** The client key the token is bound to: `client.proof(...)` makes fresh proofs. */
  readonly client: DpopClient
  /** An `adoptions:create` token bound to the client's key by `cnf.jkt` (RFC 9449 §6.1). */
  readonly token: string
  /** A proof for `POST <publicOrigin>/api/adoptions` with `token`: it works once, within 60 s. */
  readonly proof: string
}

/** A started PetStore: the API, and the local issuer when no real one was given. */
export interface RunningPetstore {
  /** Origin the API listens on, e.g. `http://127.0.0.1:3000`. */
  readonly url: string
  /** Origin clients call, which DPoP proofs name; `url` unless `publicOrigin` was given. */
  readonly publicOrigin: string
  /** The issuer whose tokens the API accepts. */
  readonly issuer: string
  readonly audience: string
  readonly verifier: JwtVerifier
  /** Checks opaque tokens; `undefined` when only JWTs are accepted. */
  readonly introspector: Introspector | undefined
  /**
   * Where the protected resource metadata is (RFC 9728 §3.1), as challenges name it;
   * `undefined` when the audience cannot name a resource (an https URL, or http on localhost),
   * and then none is served.
   */
  readonly resourceMetadataUrl: string | undefined
  /** Tokens of the local issuer; `undefined` with a real issuer. */
  readonly tokens: DemoTokens | undefined
  /** The local issuer's DPoP-bound token and proof; `undefined` with a real issuer. */
  readonly dpop: DemoDpop | undefined
  /**
   * The local authorization server (login and consent pages, every grant) on the local
   * issuer; `undefined` with a real issuer. Register the web app and the services with it.
   */
  readonly authorizationServer: MockAuthorizationServer | undefined
  /** Lifetime of the minted tokens, in seconds. */
  readonly tokenLifetimeSec: number
  /** Stops the API and the local issuer. */
  close(): Promise<void>
}

/** `sub` of the minted tokens: the person an adoption is recorded for. */
export const DEMO_SUBJECT = 'alice'
const TOKEN_LIFETIME_SEC = 3_600

/**
 * Starts the PetStore API, and a local test issuer on 127.0.0.1 with freshly minted tokens
 * (JWTs, an opaque token the API introspects, and a DPoP-bound token with its proof) unless
 * `issuer` names a real one. The API accepts DPoP-bound tokens in mixed mode and serves its
 * protected resource metadata.
 *
 * @example
 * const petstore = await startPetstore({ port: 0 })
 * await fetch(`${petstore.url}/api/pets`, { headers: { authorization: `Bearer ${petstore.tokens?.['pets:read']}` } })
 * await petstore.close()
 */
export async function startPetstore(options: PetstoreStartOptions = {}): Promise<RunningPetstore> {
  if (options.issuer === undefined && options.introspectionClient !== undefined) {
    throw new TypeError('petstore: introspectionClient needs issuer; the local issuer has its own')
  }
  const givenOrigin = originOf(options.publicOrigin)
  // Listen first: with port 0 the origin, which the local issuer's tokens and the DPoP
  // proof name, is known only then.
  const api = await listen(options.port ?? 3000, options.host ?? '127.0.0.1', 'PORT')
  const publicOrigin = givenOrigin ?? api.url
  const audience = options.audience ?? publicOrigin
  let local: LocalIssuer | undefined
  try {
    if (options.issuer === undefined) {
      local = await startLocalIssuer(audience, publicOrigin, options.authorizationServerPort ?? 0)
    }
    const issuer = options.issuer ?? local?.issuer ?? ''
    const verifier = createJwtVerifier({ issuer, audience })
    const introspector = introspectorFor(issuer, audience, local?.running, options)
    const resourceMetadataUrl = metadataUrlOf(audience)
    api.serve(
      createPetstoreApp({
        jwt: { verifier },
        ...(introspector === undefined ? {} : { introspection: introspector }),
        dpop: { publicOrigin },
        ...(resourceMetadataUrl === undefined
          ? {}
          : { resourceMetadata: { resource: audience, authorization_servers: [issuer] } }),
        ...(options.logError === undefined ? {} : { logError: options.logError }),
      }),
    )
    const running = local?.running
    return {
      url: api.url,
      publicOrigin,
      issuer,
      audience,
      verifier,
      introspector,
      resourceMetadataUrl,
      tokens: local?.tokens,
      dpop: local?.dpop,
      authorizationServer: local?.authorizationServer,
      tokenLifetimeSec: TOKEN_LIFETIME_SEC,
      async close() {
        await api.close()
        await running?.close()
      },
    }
  } catch (error) {
    await api.close()
    await local?.running.close()
    throw error
  }
}

/** The origin of `publicOrigin`; a `TypeError` when it is not an http(s) origin. */
function originOf(publicOrigin: string | undefined): string | undefined {
  if (publicOrigin === undefined) return undefined
  const origin = httpOriginOf(publicOrigin)
  if (origin === undefined) {
    throw new TypeError(
      'petstore: publicOrigin must be an http(s) origin without a path, such as https://api.example.com',
    )
  }
  return origin
}

/**
 * Where the metadata of `audience` is, or `undefined` when the audience cannot be a resource
 * identifier (RFC 9728 §1.2: an https URL without query or fragment; http on localhost).
 */
function metadataUrlOf(audience: string): string | undefined {
  try {
    return protectedResourceMetadataUrl(audience)
  } catch {
    return undefined
  }
}

/**
 * Introspection of opaque tokens: at the local issuer as its test client, or at a real
 * issuer when this API has client credentials there; otherwise none.
 */
function introspectorFor(
  issuer: string,
  audience: string,
  local: RunningIssuer | undefined,
  { introspectionClient: client }: PetstoreStartOptions,
): Introspector | undefined {
  if (local !== undefined) {
    return createIntrospector({
      issuer,
      audience,
      clientAuth: {
        method: 'client_secret_basic',
        clientId: DEFAULT_TEST_CLIENT.client_id,
        clientSecret: DEFAULT_TEST_CLIENT.client_secret,
      },
      introspectionEndpoint: local.introspectionEndpoint,
    })
  }
  if (client === undefined) return undefined
  // No endpoint given: the introspector finds introspection_endpoint in the issuer's metadata.
  return createIntrospector({
    issuer,
    audience,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    },
  })
}

/** A started local issuer and what it minted. */
interface LocalIssuer {
  readonly issuer: string
  readonly running: RunningAuthorizationServer
  readonly authorizationServer: MockAuthorizationServer
  readonly tokens: DemoTokens
  readonly dpop: DemoDpop
}

/**
 * Starts a test issuer with the mock authorization server on it (login and consent pages,
 * every grant) on 127.0.0.1, and mints one token per scope set, an opaque one, and a
 * DPoP-bound one with a proof for `POST <publicOrigin>/api/adoptions`.
 */
async function startLocalIssuer(
  audience: string,
  publicOrigin: string,
  port: number,
): Promise<LocalIssuer> {
  const testIssuer = await createTestIssuer({
    algorithms: ['RS256'],
    audience,
    defaultExpiresInSec: TOKEN_LIFETIME_SEC,
  })
  const authorizationServer = await createMockAuthorizationServer({
    issuer: testIssuer,
    subject: DEMO_SUBJECT,
    users: { [DEMO_SUBJECT]: { name: 'Alice' } },
  })
  const running = await authorizationServer.listen({ port })
  try {
    const mint = (scope: string, claims: Record<string, unknown> = {}): Promise<string> =>
      testIssuer.sign({ sub: DEMO_SUBJECT, scope, ...claims })
    const tokens: DemoTokens = {
      'pets:read': await mint('pets:read'),
      'pets:write': await mint('pets:write'),
      'adoptions:create': await mint('adoptions:create'),
      // Issued after listen(), so its `iss` is the server's origin, like the JWTs'.
      opaque: testIssuer.issueOpaque({ sub: DEMO_SUBJECT, scope: 'pets:read' }),
    }
    const client = await createDpopClient()
    const token = await mint('adoptions:create', { cnf: { jkt: client.jkt } })
    const proof = await client.proof({
      method: 'POST',
      url: `${publicOrigin}/api/adoptions`,
      accessToken: token,
    })
    return {
      issuer: testIssuer.issuer,
      running,
      authorizationServer,
      tokens,
      dpop: { client, token, proof },
    }
  } catch (error) {
    await running.close()
    throw error
  }
}
