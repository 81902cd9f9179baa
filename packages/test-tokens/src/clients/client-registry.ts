import { createLocalJWKSet } from 'jose'
import type { JWK, JWTVerifyGetKey } from 'jose'
import type { TestClient } from './test-client.js'
import { checkKnownOptions } from '../options/check-options.js'
import { secretsEqual } from './secrets-equal.js'

/** A registered client, with its key set ready for `private_key_jwt`. */
export interface RegisteredClient {
  readonly client: TestClient
  readonly keySet: JWTVerifyGetKey | undefined
}

/** How a client is registered. */
export interface RegistrationOptions {
  /**
   * A public client (RFC 6749 §2.1): registered without any credential, so it is known by
   * its `client_id` but never authenticated by the issuer. Default: `false`.
   */
  readonly public?: boolean
}

/** The clients that may call the introspection and revocation endpoints. */
export interface ClientRegistry {
  /**
   * Adds `client`, or replaces the client with the same `client_id`, and returns its entry:
   * a new object on every registration.
   */
  register(client: TestClient, options?: RegistrationOptions): RegisteredClient
  byId(clientId: string): RegisteredClient | undefined
  /** The client whose `bearer_token` is `token`, compared in constant time with each. */
  byBearerToken(token: string): RegisteredClient | undefined
}

/** The fields of a {@link TestClient}. */
export const CLIENT_FIELDS: readonly string[] = [
  'client_id',
  'client_secret',
  'jwks',
  'bearer_token',
]
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']
// RFC 6750 §2.1 b64token: what can be sent after "Bearer ".
const B64TOKEN = /^[\w\-.~+/]+=*$/

/** Creates a registry holding `clients`, checked as `register` checks them. */
export function createClientRegistry(clients: readonly TestClient[]): ClientRegistry {
  const byId = new Map<string, RegisteredClient>()
  const registry: ClientRegistry = {
    register(client, { public: isPublic = false } = {}) {
      const checked = checkClient(client, isPublic)
      for (const other of byId.values()) {
        const token = other.client.bearer_token
        if (
          other.client.client_id !== checked.client_id &&
          token !== undefined &&
          token === checked.bearer_token
        ) {
          throw new RangeError('@tokenguard/test-tokens: another client has the same bearer_token')
        }
      }
      const keySet = checked.jwks === undefined ? undefined : createLocalJWKSet(copyJwks(checked))
      const entry: RegisteredClient = Object.freeze({ client: checked, keySet })
      byId.set(checked.client_id, entry)
      return entry
    },
    byId: (clientId) => byId.get(clientId),
    byBearerToken(token) {
      let found: RegisteredClient | undefined
      // Compare with every client, not stopping at a match, so timing says nothing.
      for (const entry of byId.values()) {
        const expected = entry.client.bearer_token
        if (expected !== undefined && secretsEqual(token, expected)) found = entry
      }
      return found
    },
  }
  // Checked before iterating: a lone client object or a string must not pass as a list.
  const list: unknown = clients
  if (!Array.isArray(list)) {
    throw new TypeError('@tokenguard/test-tokens: clients must be an array of TestClient')
  }
  for (const client of clients) registry.register(client)
  return registry
}

function checkClient(client: TestClient, isPublic: boolean): TestClient {
  if (client === null || typeof client !== 'object') {
    throw new TypeError('@tokenguard/test-tokens: a client is an object with a client_id')
  }
  checkKnownOptions('client', client, CLIENT_FIELDS)
  const { client_id, client_secret, jwks, bearer_token } = client
  checkText('client_id', client_id)
  if (client_secret !== undefined) checkText('client_secret', client_secret)
  if (bearer_token !== undefined) {
    checkText('bearer_token', bearer_token)
    if (!B64TOKEN.test(bearer_token)) {
      throw new TypeError(
        '@tokenguard/test-tokens: bearer_token must use the RFC 6750 b64token characters',
      )
    }
  }
  if (jwks !== undefined) checkJwks(jwks)
  const credentials = [client_secret, jwks, bearer_token].filter((field) => field !== undefined)
  if (isPublic && credentials.length > 0) {
    throw new TypeError('@tokenguard/test-tokens: a public client has no credential')
  }
  if (!isPublic && credentials.length === 0) {
    throw new TypeError(
      '@tokenguard/test-tokens: give the client a client_secret, jwks or bearer_token',
    )
  }
  return Object.freeze({
    client_id,
    ...(client_secret === undefined ? {} : { client_secret }),
    ...(jwks === undefined ? {} : { jwks: copyJwks({ jwks }) }),
    ...(bearer_token === undefined ? {} : { bearer_token }),
  })
}

function checkJwks(jwks: unknown): void {
  const keys: unknown = jwks !== null && typeof jwks === 'object' ? Reflect.get(jwks, 'keys') : null
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError(
      '@tokenguard/test-tokens: jwks must be { keys: [...] } with at least one key',
    )
  }
  for (const key of keys as unknown[]) {
    if (key === null || typeof key !== 'object' || typeof Reflect.get(key, 'kty') !== 'string') {
      throw new TypeError('@tokenguard/test-tokens: every key in jwks must be a JWK with kty')
    }
    if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(key, member))) {
      throw new TypeError(
        '@tokenguard/test-tokens: jwks must hold public keys only (no d, k or other private members)',
      )
    }
  }
}

function copyJwks(client: Pick<TestClient, 'jwks'>): { keys: JWK[] } {
  return { keys: (client.jwks?.keys ?? []).map((key) => ({ ...key })) }
}

function checkText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`@tokenguard/test-tokens: ${name} must be a non-empty string`)
  }
}
