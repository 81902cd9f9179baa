import type { TestAlgorithm } from './algorithms.js'
import type {
  AuthorizationServerControls,
  AuthorizationServerOptions,
} from './authorization-server.js'
import { createHostileTokens } from './hostile/hostile-tokens.js'
import type { HostileTokens } from './hostile/hostile-tokens.js'
import { checkSubject } from './internal/authorization-settings.js'
import { checkKnownOptions } from './internal/check-options.js'
import { createClientRegistry } from './internal/client-registry.js'
import { createGrantServer } from './internal/grant-server.js'
import { checkAlgorithm, resolveIssuerOptions } from './internal/issuer-options.js'
import { createKeyRing } from './internal/key-ring.js'
import { rotateKeys } from './internal/rotate-keys.js'
import { signToken } from './internal/sign-token.js'
import { createTokenStore } from './internal/token-store.js'
import type { IntrospectionResponse } from './introspection-response.js'
import type { OpaqueOptions } from './opaque-options.js'
import { startIssuerServer } from './running-issuer.js'
import type { ListenOptions, RunningIssuer } from './running-issuer.js'
import type { SignOptions } from './sign-options.js'
import { DEFAULT_TEST_CLIENT } from './test-client.js'
import type { TestClient } from './test-client.js'
import { generateTestKey } from './test-key.js'
import type { PublicJwk, TestKey, TestKeyOptions } from './test-key.js'

/** Options of {@link createTestIssuer}; the authorization server's are inherited. */
export interface TestIssuerOptions extends AuthorizationServerOptions {
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
  /**
   * Clock in milliseconds, for `iat` and `exp`, and for the expiry of codes, device codes,
   * refresh tokens and rotated keys. Default: `Date.now`.
   */
  now?: () => number
  /**
   * Clients that may call `/token`, `/introspect` and `/revoke`. Default: one client,
   * {@link DEFAULT_TEST_CLIENT} (`client_id: 'test-client'` with a 40-byte `client_secret`).
   * A given list replaces the default; pass it too when you still want it.
   */
  clients?: readonly TestClient[]
}

/**
 * A local token issuer for tests: real keys, signed access tokens, a JWKS, opaque tokens
 * with introspection and revocation, a mock authorization server (grants, login page,
 * device flow, userinfo), and an HTTP server for all of them.
 */
export interface TestIssuer extends AuthorizationServerControls {
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
   * Registers a client for `/token`, `/introspect` and `/revoke`, or replaces the one with
   * the same `client_id`. Throws a TypeError when the client has no credential (and is not
   * public) or a malformed field.
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
   * that `jti`; by the token itself when it has none). A refresh token from `/token` takes
   * every token of its grant along (RFC 7009 §2.1). Unknown tokens are ignored (§2.2).
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
   * Serves the JWKS, discovery, the authorization server, introspection and revocation on
   * 127.0.0.1 and makes the server's origin the `iss` of tokens minted from then on (it stays
   * so after `close()`). One server at a time.
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
 *
 * @example
 * // A mock authorization server: client credentials over HTTP
 * const issuer = await createTestIssuer({ clients: [{ client_id: 'svc', client_secret: SECRET }] })
 * const running = await issuer.listen()
 * const answer = await fetch(running.tokenEndpoint, {
 *   method: 'POST',
 *   headers: { Authorization: `Basic ${btoa(`svc:${SECRET}`)}` },
 *   body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'pets:read' }),
 * })
 * const { access_token } = await answer.json()
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const { configured, audience, defaultExpiresInSec, now, ...settings } =
    resolveIssuerOptions(options)
  let issuer = settings.issuer
  let algorithms = Object.freeze([...configured])
  let running: RunningIssuer | undefined
  const clients = createClientRegistry(settings.clients ?? [DEFAULT_TEST_CLIENT])

  const ring = createKeyRing(now)
  for (const key of await Promise.all(configured.map((alg) => generateTestKey(alg)))) ring.add(key)
  const defaultAlg = configured[0] as TestAlgorithm
  const jwks = (): { keys: PublicJwk[] } => ({ keys: ring.publicJwks() })
  const tokens = createTokenStore(() => ring.keys())
  const introspect = (token: string): IntrospectionResponse => tokens.introspect(token, now())
  const sign: TestIssuer['sign'] = (claims = {}, signOptions = {}) =>
    signToken(
      { ring, issuer, audience, defaultAlg, defaultExpiresInSec, nowMs: now() },
      claims,
      signOptions,
    )
  const issueOpaque: TestIssuer['issueOpaque'] = (claims = {}, opaqueOptions = {}) =>
    tokens.issue(claims, opaqueOptions, { issuer, audience, defaultExpiresInSec, nowMs: now() })
  const grants = createGrantServer({
    clients,
    settings: settings.authorization,
    accessExpiresInSec: defaultExpiresInSec,
    sign,
    issueOpaque,
    revokeToken: (token) => tokens.revoke(token),
    introspect,
    now,
  })
  const revoke = (token: string): void => {
    tokens.revoke(token)
    grants.revoked(token)
  }
  const decideDevice = (userCode: string, sub: string | undefined): void => {
    if (typeof userCode !== 'string' || !grants.decideDevice(userCode, sub)) {
      throw new RangeError(
        '@tokenguard/test-tokens: no pending device authorization has this user code',
      )
    }
  }
  let hostile: HostileTokens | undefined

  return {
    get issuer() {
      return issuer
    },
    audience,
    get algorithms() {
      return algorithms
    },
    sign,
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
    get hostile() {
      // `this` is this issuer; TypeScript types it by the async return, TestIssuer | PromiseLike.
      hostile ??= createHostileTokens(this as TestIssuer, now)
      return hostile
    },
    registerClient: (client) => clients.register(client),
    issueOpaque,
    revoke,
    introspect,
    rotateKeys: (rotateOptions = {}) => rotateKeys(ring, now(), rotateOptions),
    approveDevice(userCode, approval = {}) {
      checkKnownOptions('approveDevice', approval, ['sub'])
      decideDevice(userCode, checkSubject(approval.sub ?? settings.authorization.subject))
    },
    denyDevice: (userCode) => decideDevice(userCode, undefined),
    async listen(listenOptions = {}) {
      if (running !== undefined) {
        throw new Error(
          '@tokenguard/test-tokens: the issuer is already listening; close() it first',
        )
      }
      checkKnownOptions('listen', listenOptions, ['port', 'autoApprove'])
      const server = await startIssuerServer(
        { jwks, algorithms: () => ring.algorithms(), clients, introspect, revoke, grants, now },
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
