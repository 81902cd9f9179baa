import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createJwtVerifier, type JwtVerifier } from '@tokenguard/jwt-verify'
import { createTestIssuer, type RunningIssuer } from '@tokenguard/test-tokens'
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
  /** Called with every error that becomes a 500. */
  logError?: (error: unknown) => void
}

/** Tokens minted by the local issuer, one per scope set the API knows. */
export interface DemoTokens {
  readonly 'pets:read': string
  readonly 'pets:write': string
  readonly 'adoptions:create': string
}

/** A started PetStore: the API, and the local issuer when no real one was given. */
export interface RunningPetstore {
  /** Origin of the API, e.g. `http://127.0.0.1:3000`. */
  readonly url: string
  /** The issuer whose tokens the API accepts. */
  readonly issuer: string
  readonly audience: string
  readonly verifier: JwtVerifier
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
 * unless `issuer` names a real one.
 *
 * @example
 * const petstore = await startPetstore({ port: 0 })
 * await fetch(`${petstore.url}/api/pets`, { headers: { authorization: `Bearer ${petstore.tokens?.['pets:read']}` } })
 * await petstore.close()
 */
export async function startPetstore(options: PetstoreStartOptions = {}): Promise<RunningPetstore> {
  const audience = options.audience ?? DEFAULT_AUDIENCE
  const host = options.host ?? '127.0.0.1'
  const local = options.issuer === undefined ? await startLocalIssuer(audience) : undefined
  const issuer = options.issuer ?? local?.issuer ?? ''
  try {
    const verifier = createJwtVerifier({ issuer, audience })
    const app = createPetstoreApp({
      jwt: { verifier },
      ...(options.logError === undefined ? {} : { logError: options.logError }),
    })
    const server = await listen(createServer(app), options.port ?? 3000, host)
    const { port } = server.address() as AddressInfo
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      issuer,
      audience,
      verifier,
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

/** Starts a test issuer on 127.0.0.1 and mints one token per scope set. */
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
