import { createClientRegistry } from './clients/client-registry.js'
import { DEFAULT_TEST_CLIENT } from './clients/test-client.js'
import type { TestClient } from './clients/test-client.js'
import { createHostileTokens } from './hostile/hostile-tokens.js'
import type { HostileTokens } from './hostile/hostile-tokens.js'
import type { IssuerInternals } from './internal/issuer-internals.js'
import { checkAlgorithm } from './keys/algorithms.js'
import type { TestAlgorithm } from './keys/algorithms.js'
import { createKeyRing } from './keys/key-ring.js'
import { rotateKeys } from './keys/rotate-keys.js'
import type { RotateKeysOptions } from './keys/rotate-keys.js'
import { generateTestKey } from './keys/test-key.js'
import type { PublicJwk, TestKey, TestKeyOptions } from './keys/test-key.js'
import { checkKnownOptions } from './options/check-options.js'
import { resolveIssuerOptions } from './issuer-options.js'
import type { TestIssuerOptions } from './issuer-options.js'
import type { IssuerExtension } from './server/issuer-routes.js'
import { startIssuerServer } from './server/running-issuer.js'
import type { ListenOptions, RunningIssuer, RunningServer } from './server/running-issuer.js'
import type { IntrospectionResponse } from './tokens/introspection-response.js'
import type { OpaqueOptions } from './tokens/opaque-options.js'
import type { SignOptions } from './tokens/sign-options.js'
import { signToken } from './tokens/sign-token.js'
import { createTokenStore } from './tokens/token-store.js'
import type { RevokeOptions } from './tokens/token-store.js'

/**
 * A local token issuer for tests: real keys, signed access tokens, a JWKS with key rotation,
 * opaque tokens with introspection and revocation, hostile tokens, and an HTTP server for
 * them. `@tokenguard/mock-authorization-server` adds the grants, login pages and device flow.
 */
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
   * Generates a new key for each algorithm and signs with it from now on; the replaced keys
   * stay in the JWKS for `graceMs` (default 10 min, on the issuer's clock), then leave it,
   * and their tokens stop verifying and introspect as inactive. Resolves to the new keys.
   */
  rotateKeys(options?: RotateKeysOptions): Promise<TestKey[]>
  /**
   * Registers a client for `/introspect` and `/revoke`, or replaces the one with the same
   * `client_id`. Throws a TypeError when the client has no credential or a malformed field.
   */
  registerClient(client: TestClient): void
  /**
   * Issues an opaque token: 32 random bytes, base64url (no dots, so never JWT-shaped), kept
   * by the issuer with the claims `sign` would set (`iss`, `aud`, `sub: 'user-123'`,
   * `client_id: 'test-client'`, `iat`, `exp`, `jti`) and `claims` on top; a claim set to
   * `undefined` removes a default. Only `introspect` and `/introspect` can read it.
   */
  issueOpaque(claims?: Record<string, unknown>, options?: OpaqueOptions): string
  /**
   * Revokes an opaque token of this issuer, or a JWT it signed (by `jti`, so every token with
   * that `jti`; by the token itself when it has none). A refresh token issued under a grant
   * takes every token of the grant along (RFC 7009 §2.1). Unknown tokens are ignored (§2.2).
   */
  revoke(token: string): void
  /**
   * What `/introspect` answers for `token` (RFC 7662 §2.2), without HTTP: `{ active: false }`
   * for a token that is unknown, expired, not yet valid, revoked, or a JWT whose key was
   * removed; otherwise `active: true`, `token_type` (`'Bearer'`, or `'refresh_token'`) and
   * the token's claims.
   */
  introspect(token: string): IntrospectionResponse
  /**
   * Serves the JWKS, discovery, introspection and revocation on 127.0.0.1 and makes the
   * server's origin the `iss` of tokens minted from then on (it stays so after `close()`).
   * One server at a time.
   */
  listen(options?: ListenOptions): Promise<RunningIssuer>
  /**
   * The tokens an attacker would try (alg none, HS256 with the public key, embedded keys,
   * wrong iss or aud, expired, non-canonical base64, ...), minted for this issuer, each with
   * the answer a correct resource server gives. See `expectRejectsHostileTokens`.
   */
  readonly hostile: HostileTokens
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
 *
 * @example
 * // Opaque tokens, for APIs that introspect (RFC 7662)
 * const issuer = await createTestIssuer({ clients: [{ client_id: 'api', client_secret: SECRET }] })
 * const running = await issuer.listen()
 * const token = issuer.issueOpaque({ scope: 'pets:read' })
 * // configure the API with running.introspectionEndpoint, client id 'api' and SECRET
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const { configured, audience, defaultExpiresInSec, now, ...settings } =
    resolveIssuerOptions(options)
  let issuer = settings.issuer
  let algorithms = Object.freeze([...configured])
  let running: RunningServer | undefined
  const clients = createClientRegistry(settings.clients ?? [DEFAULT_TEST_CLIENT])

  const ring = createKeyRing(now)
  for (const key of await Promise.all(configured.map((alg) => generateTestKey(alg)))) ring.add(key)
  const defaultAlg = configured[0] as TestAlgorithm
  const jwks = (): { keys: PublicJwk[] } => ({ keys: ring.publicJwks() })
  const tokens = createTokenStore(() => ring.keys())
  const introspect = (token: string): IntrospectionResponse => tokens.introspect(token, now())
  const signed = (claims: Record<string, unknown> = {}, signOptions: SignOptions = {}) =>
    signToken(
      { ring, issuer, audience, defaultAlg, defaultExpiresInSec, nowMs: now() },
      claims,
      signOptions,
    )
  const issueOpaque = (
    claims: Record<string, unknown> = {},
    opaqueOptions: OpaqueOptions = {},
    grantId?: string,
  ): string =>
    tokens.issue(
      claims,
      opaqueOptions,
      { issuer, audience, defaultExpiresInSec, nowMs: now() },
      grantId,
    )
  const source = {
    jwks,
    algorithms: () => ring.algorithms(),
    clients,
    introspect,
    revoke: (token: string, revokeOptions?: RevokeOptions) => tokens.revoke(token, revokeOptions),
    now,
  }
  // One server at a time, for this issuer alone or with the routes of an extension.
  const serve = async (
    listenOptions: ListenOptions,
    extension: IssuerExtension | undefined,
  ): Promise<RunningServer> => {
    if (running !== undefined) {
      throw new Error('@tokenguard/test-tokens: the issuer is already listening; close() it first')
    }
    checkKnownOptions('listen', listenOptions, ['port'])
    const server = await startIssuerServer(source, listenOptions, extension)
    issuer = server.url
    const current: RunningServer = {
      ...server,
      close: async () => {
        await server.close()
        if (running === current) running = undefined
      },
    }
    running = current
    return current
  }
  let hostile: HostileTokens | undefined

  const testIssuer: TestIssuer = {
    get issuer() {
      return issuer
    },
    audience,
    get algorithms() {
      return algorithms
    },
    sign: async (claims, signOptions) => (await signed(claims, signOptions)).token,
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
    rotateKeys: (rotateOptions = {}) => rotateKeys(ring, now(), rotateOptions),
    get hostile() {
      hostile ??= createHostileTokens(testIssuer, now)
      return hostile
    },
    registerClient: (client) => void clients.register(client),
    issueOpaque: (claims, opaqueOptions) => issueOpaque(claims, opaqueOptions),
    revoke: (token) => tokens.revoke(token),
    introspect,
    listen: (listenOptions = {}) => serve(listenOptions, undefined),
  }
  const internals: IssuerInternals = {
    now,
    defaultExpiresInSec,
    clients,
    async signInGrant(grantId, claims, signOptions = {}) {
      const { token, payload } = await signed(claims, signOptions)
      tokens.tagJwt(token, payload, grantId)
      return token
    },
    issueOpaqueInGrant: (grantId, claims, opaqueOptions = {}) =>
      issueOpaque(claims, opaqueOptions, grantId),
    retire: (token) => tokens.retire(token),
    revokeGrant: (grantId) => tokens.revokeGrant(grantId),
    isGrantRevoked: (grantId) => tokens.isGrantRevoked(grantId),
    listen: (listenOptions, extension) => serve(listenOptions, extension),
  }
  internalsOf.set(testIssuer, internals)
  return testIssuer
}

// What the mock authorization server reads of each issuer, out of reach of its users.
const internalsOf = new WeakMap<TestIssuer, IssuerInternals>()

/**
 * The internals of `issuer`, for `@tokenguard/test-tokens/internal`; throws a TypeError when
 * it was not made by {@link createTestIssuer}.
 *
 * @example
 * const { clients, now } = issuerInternals(await createTestIssuer())
 */
export function issuerInternals(issuer: TestIssuer): IssuerInternals {
  const found = internalsOf.get(issuer)
  if (found === undefined) {
    throw new TypeError('@tokenguard/test-tokens: the issuer must come from createTestIssuer()')
  }
  return found
}
