import type { TestAlgorithm } from './algorithms.js'
import { checkKnownOptions } from './internal/check-options.js'
import { checkAlgorithm, resolveIssuerOptions } from './internal/issuer-options.js'
import { createKeyRing } from './internal/key-ring.js'
import { signToken } from './internal/sign-token.js'
import { startIssuerServer } from './running-issuer.js'
import type { ListenOptions, RunningIssuer } from './running-issuer.js'
import type { SignOptions } from './sign-options.js'
import { generateTestKey } from './test-key.js'
import type { PublicJwk, TestKey, TestKeyOptions } from './test-key.js'

/** Options of {@link createTestIssuer}. */
export interface TestIssuerOptions {
  /**
   * Algorithms to make a key for; the first is the default signing algorithm.
   * Default: `['RS256', 'PS256', 'ES256', 'EdDSA']`.
   */
  algorithms?: readonly TestAlgorithm[]
  /** The `iss` of minted tokens until `listen()` is called. Default: `'https://issuer.test'`. */
  issuer?: string
  /** The `aud` of minted tokens. Default: `'https://api.test'`. */
  audience?: string
  /** Lifetime of minted tokens in seconds. Default: 300 (5 min). */
  defaultExpiresInSec?: number
  /** Clock in milliseconds, for `iat` and `exp`. Default: `Date.now`. */
  now?: () => number
}

/** A local token issuer for tests: real keys, signed access tokens, a JWKS, an HTTP server. */
export interface TestIssuer {
  /** The current `iss`: the `issuer` option, then the server's origin once `listen()` ran. */
  readonly issuer: string
  /** The `aud` of minted tokens. */
  readonly audience: string
  /** The configured algorithms, then any added by `addKey`, in that order. */
  readonly algorithms: readonly TestAlgorithm[]
  /**
   * Mints a signed access token (RFC 9068). Default claims: `iss`, `aud`, `sub: 'user-123'`,
   * `client_id: 'test-client'`, `iat`, `exp`, and a unique `jti`; `claims` override them,
   * and `scope` is only present when given. Default header: `alg`, `typ: 'at+jwt'`, `kid`.
   */
  sign(claims?: Record<string, unknown>, options?: SignOptions): Promise<string>
  /** The public JWKS (RFC 7517 §5): every current key, public members only, fresh objects. */
  jwks(): { keys: PublicJwk[] }
  /** The newest key of `alg`, the one that signs. Default `alg`: the first algorithm. */
  key(alg?: TestAlgorithm): TestKey
  /** Generates a key and makes it the current one for `alg`, for key-rotation tests. */
  addKey(alg: TestAlgorithm, options?: TestKeyOptions): Promise<TestKey>
  /** Removes a key from the JWKS and from signing; throws when no key has that kid. */
  removeKey(kid: string): void
  /**
   * Serves the JWKS and discovery on 127.0.0.1 and makes the server's origin the `iss` of
   * tokens minted from then on (it stays so after `close()`). One server at a time.
   */
  listen(options?: ListenOptions): Promise<RunningIssuer>
}

/**
 * Creates a test issuer with one fresh key per algorithm. Keys are generated per issuer and
 * never written anywhere; RSA keys take a few hundred milliseconds, so share an issuer per
 * test file.
 *
 * @example
 * const issuer = await createTestIssuer()
 * const running = await issuer.listen()
 * const token = await issuer.sign({ scope: 'pets:read' })
 * // configure the API with running.url, issuer.audience and running.jwksUri
 * await running.close()
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const { configured, audience, defaultExpiresInSec, now, ...settings } =
    resolveIssuerOptions(options)
  let issuer = settings.issuer
  let algorithms = Object.freeze([...configured])
  let running: RunningIssuer | undefined

  const ring = createKeyRing()
  for (const key of await Promise.all(configured.map((alg) => generateTestKey(alg)))) ring.add(key)
  const defaultAlg = configured[0] as TestAlgorithm
  const jwks = (): { keys: PublicJwk[] } => ({ keys: ring.publicJwks() })

  return {
    get issuer() {
      return issuer
    },
    audience,
    get algorithms() {
      return algorithms
    },
    sign: (claims = {}, signOptions = {}) =>
      signToken(
        { ring, issuer, audience, defaultAlg, defaultExpiresInSec, nowMs: now() },
        claims,
        signOptions,
      ),
    jwks,
    key: (alg = defaultAlg) => ring.current(checkAlgorithm(alg)),
    async addKey(alg, keyOptions = {}) {
      checkKnownOptions('addKey', keyOptions, ['kid'])
      const key = await generateTestKey(checkAlgorithm(alg), keyOptions)
      ring.add(key)
      if (!algorithms.includes(alg)) algorithms = Object.freeze([...algorithms, alg])
      return key
    },
    removeKey: (kid) => ring.remove(kid),
    async listen(listenOptions = {}) {
      if (running !== undefined) {
        throw new Error(
          '@tokenguard/test-tokens: the issuer is already listening; close() it first',
        )
      }
      checkKnownOptions('listen', listenOptions, ['port'])
      const server = await startIssuerServer(
        { jwks, algorithms: () => ring.algorithms() },
        listenOptions,
      )
      issuer = server.url
      const current: RunningIssuer = {
        ...server,
        close: async () => {
          await server.close()
          if (running === current) running = undefined
        },
      }
      running = current
      return current
    },
  }
}
