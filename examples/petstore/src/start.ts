import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createIntrospector, type Introspector } from '@tokenguard/introspect'
import { createJwtVerifier, type JwtVerifier } from '@tokenguard/jwt-verify'
import { createTestIssuer, DEFAULT_TEST_CLIENT, type RunningIssuer } from '@tokenguard/test-tokens'
import { createPetstoreApp } from './app.js'

/** Options of {@link startPetstore}. */
export interface PetstoreStartOptions {
  /** Port of the API. Default: 3000; 0 picks a free one. */
  port?: number
  /** Interface of the API. Default: `'127.0.0.1'`. */
  host?: string
  /** A real issuer whose tokens to accept. Default: a local test issuer, started here. */
  issuer?: string
  /** The `aud` the API accepts. Required with `issuer`. Default: `'https://api.petstore.test'`. */
  audience?: string
  /**
   * This API's client credentials at the real `issuer`'s introspection endpoint (found in
   * its metadata), sent as `client_secret_basic`: with them, opaque tokens are accepted too.
   * Only with `issuer`; the local issuer is always introspected, as its test client.
   * Default: JWTs only.
   */
  introspectionClient?: { clientId: string; clientSecret: string }
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

/** A started PetStore: the API, and the local issuer when no real one was given. */
export interface RunningPetstore {
  /** Origin of the API, e.g. `http://127.0.0.1:3000`. */
  readonly url: string
  /** The issuer whose tokens the API accepts. */
  readonly issuer: string
  readonly audience: string
  readonly verifier: JwtVerifier
  /** Checks opaque tokens; `undefined` when only JWTs are accepted. */
  readonly introspector: Introspector | undefined
  /** Tokens of the local issuer; `undefined` with a real issuer. */
  readonly tokens: DemoTokens | undefined
  /** Lifetime of the minted tokens, in seconds. */
  readonly tokenLifetimeSec: number
  /** Stops the API and the local issuer. */
  close(): Promise<void>
}

/** `sub` of the minted tokens: the person an adoption is recorded for. */
export const DEMO_SUBJECT = 'alice'
const DEFAULT_AUDIENCE = 'https://api.petstore.test'
const TOKEN_LIFETIME_SEC = 3_600

/**
 * Starts the PetStore API, and a local test issuer on 127.0.0.1 with freshly minted tokens
 * (JWTs, and an opaque token the API introspects) unless `issuer` names a real one.
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
  const audience = options.audience ?? DEFAULT_AUDIENCE
  const host = options.host ?? '127.0.0.1'
  const local = options.issuer === undefined ? await startLocalIssuer(audience) : undefined
  const issuer = options.issuer ?? local?.issuer ?? ''
  try {
    const verifier = createJwtVerifier({ issuer, audience })
    const introspector = introspectorFor(issuer, audience, local?.running, options)
    const app = createPetstoreApp({
      jwt: { verifier },
      ...(introspector === undefined ? {} : { introspection: introspector }),
      ...(options.logError === undefined ? {} : { logError: options.logError }),
    })
    const server = await listen(createServer(app), options.port ?? 3000, host)
    const { port } = server.address() as AddressInfo
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      issuer,
      audience,
      verifier,
      introspector,
      tokens: local?.tokens,
      tokenLifetimeSec: TOKEN_LIFETIME_SEC,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        await local?.running.close()
      },
    }
  } catch (error) {
    await local?.running.close()
    throw error
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

/** Starts a test issuer on 127.0.0.1 and mints one token per scope set, and an opaque one. */
async function startLocalIssuer(
  audience: string,
): Promise<{ issuer: string; running: RunningIssuer; tokens: DemoTokens }> {
  const testIssuer = await createTestIssuer({
    algorithms: ['RS256'],
    audience,
    defaultExpiresInSec: TOKEN_LIFETIME_SEC,
  })
  const running = await testIssuer.listen()
  try {
    const mint = (scope: string): Promise<string> => testIssuer.sign({ sub: DEMO_SUBJECT, scope })
    const tokens: DemoTokens = {
      'pets:read': await mint('pets:read'),
      'pets:write': await mint('pets:write'),
      'adoptions:create': await mint('adoptions:create'),
      // Issued after listen(), so its `iss` is the server's origin, like the JWTs'.
      opaque: testIssuer.issueOpaque({ sub: DEMO_SUBJECT, scope: 'pets:read' }),
    }
    return { issuer: testIssuer.issuer, running, tokens }
  } catch (error) {
    await running.close()
    throw error
  }
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  server.keepAliveTimeout = 5_000
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}
