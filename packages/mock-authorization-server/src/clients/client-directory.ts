import { checkOptionNames } from '@tokenguard/core/internal'
import { CLIENT_FIELDS } from '@tokenguard/test-tokens/internal'
import type { ClientRegistry, RegisteredClient } from '@tokenguard/test-tokens/internal'
import { PACKAGE } from '../package-name.js'
import type { AuthorizationServerClient } from './authorization-server-client.js'
import { checkClientProfile, PROFILE_FIELDS } from './check-client-profile.js'

/**
 * The clients of the mock authorization server. They live in the test issuer's registry, so
 * a client registered again, here or at the issuer, is replaced as a whole; what only an
 * authorization server needs (redirect URIs, grants, scope, format, public or not) is kept
 * beside each registry entry. A client the issuer registered alone is confidential and may
 * use every grant, any scope, and JWT access tokens.
 */
export interface ClientDirectory {
  /** Checks and registers `client`, or replaces the one with its `client_id`. */
  register(client: AuthorizationServerClient): void
  /** The client with this id, with its grant fields. */
  byId(clientId: string): AuthorizationServerClient | undefined
  /** The public client (`token_endpoint_auth_method: 'none'`) with this id. */
  publicClient(clientId: string): AuthorizationServerClient | undefined
}

/** Creates the directory of the clients in `registry`. */
export function createClientDirectory(registry: ClientRegistry): ClientDirectory {
  // Keyed by the registry's entry: a new registration is a new entry, with no stale fields.
  const profiles = new WeakMap<RegisteredClient, AuthorizationServerClient>()
  const byId = (clientId: string): AuthorizationServerClient | undefined => {
    const entry = registry.byId(clientId)
    return entry === undefined ? undefined : (profiles.get(entry) ?? entry.client)
  }
  return {
    register(client) {
      if (client === null || typeof client !== 'object') {
        throw new TypeError(`${PACKAGE}: a client is an object with a client_id`)
      }
      checkOptionNames(PACKAGE, client, [...CLIENT_FIELDS, ...PROFILE_FIELDS])
      const profile = checkClientProfile(client)
      const isPublic = profile.token_endpoint_auth_method === 'none'
      const { client_id, client_secret, jwks, bearer_token } = client
      const credentials = {
        client_id,
        ...(client_secret === undefined ? {} : { client_secret }),
        ...(jwks === undefined ? {} : { jwks }),
        ...(bearer_token === undefined ? {} : { bearer_token }),
      }
      const hasCredential = [client_secret, jwks, bearer_token].some((field) => field !== undefined)
      if (isPublic && hasCredential) {
        throw new TypeError(
          `${PACKAGE}: a public client (token_endpoint_auth_method: 'none') has no credential`,
        )
      }
      if (!isPublic && !hasCredential) {
        throw new TypeError(
          `${PACKAGE}: give the client a client_secret, jwks or bearer_token, ` +
            `or token_endpoint_auth_method: 'none' for a public client`,
        )
      }
      const entry = registry.register(credentials, { public: isPublic })
      profiles.set(entry, Object.freeze({ ...entry.client, ...profile }))
    },
    byId,
    publicClient(clientId) {
      const client = byId(clientId)
      return client?.token_endpoint_auth_method === 'none' ? client : undefined
    },
  }
}
