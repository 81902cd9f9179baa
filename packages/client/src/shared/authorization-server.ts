import * as client from 'openid-client'
import { PACKAGE } from './package-name.js'

/** How the client authenticates at the token endpoint. */
export type ClientAuthentication =
  | { readonly method: 'client_secret_basic'; readonly clientSecret: string }
  | { readonly method: 'client_secret_post'; readonly clientSecret: string }
  | {
      readonly method: 'private_key_jwt'
      readonly privateKey: client.CryptoKey
      readonly kid?: string
    }
  | { readonly method: 'none' }

/** Options of {@link discoverAuthorizationServer}. */
export interface AuthorizationServerOptions {
  /** The issuer identifier, exactly as the server's discovery document names it. */
  issuer: string
  /** This client's `client_id`. */
  clientId: string
  /**
   * This client's secret, sent with HTTP Basic (`client_secret_basic`). Shorthand for
   * `clientAuthentication: { method: 'client_secret_basic', clientSecret }`.
   */
  clientSecret?: string
  /** How the client authenticates; default `client_secret_basic` with `clientSecret`, else `none`. */
  clientAuthentication?: ClientAuthentication
  /** `fetch` for every request to the server (tests, proxies). Default: the global `fetch`. */
  fetch?: typeof fetch
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Discovers the authorization server (OpenID Connect Discovery, then RFC 8414) with
 * openid-client and returns its `Configuration`, which every part of this package takes as
 * `server`. Plain `http` is allowed only for a loopback issuer (a local server in
 * development and tests); anything else must be `https`.
 *
 * @example
 * const server = await discoverAuthorizationServer({
 *   issuer: 'https://login.example.com',
 *   clientId: 'orders-service',
 *   clientSecret: process.env.CLIENT_SECRET,
 * })
 */
export async function discoverAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<client.Configuration> {
  const url = issuerUrl(options.issuer)
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TypeError(`${PACKAGE}: clientId is required`)
  }
  const insecure = url.protocol === 'http:'
  const discoveryOptions: client.DiscoveryRequestOptions = {}
  if (options.fetch !== undefined) {
    const send = options.fetch
    discoveryOptions[client.customFetch] = (url, init) => send(url, init as RequestInit)
  }
  if (insecure) discoveryOptions.execute = [client.allowInsecureRequests]
  return client.discovery(url, options.clientId, undefined, clientAuth(options), discoveryOptions)
}

function issuerUrl(issuer: unknown): URL {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) {
    throw new TypeError(`${PACKAGE}: issuer must be an absolute URL`)
  }
  const url = new URL(issuer)
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `${PACKAGE}: issuer must not have a query or a fragment (OpenID Connect Discovery §2)`,
    )
  }
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url
  throw new TypeError(
    `${PACKAGE}: issuer must be an https URL (plain http only on 127.0.0.1, [::1] or localhost)`,
  )
}

function clientAuth(options: AuthorizationServerOptions): client.ClientAuth {
  const auth: ClientAuthentication =
    options.clientAuthentication ??
    (options.clientSecret === undefined
      ? { method: 'none' }
      : { method: 'client_secret_basic', clientSecret: options.clientSecret })
  switch (auth.method) {
    case 'client_secret_basic':
      return client.ClientSecretBasic(requireSecret(auth.clientSecret))
    case 'client_secret_post':
      return client.ClientSecretPost(requireSecret(auth.clientSecret))
    case 'private_key_jwt':
      return client.PrivateKeyJwt(
        auth.kid === undefined ? auth.privateKey : { key: auth.privateKey, kid: auth.kid },
      )
    case 'none':
      return client.None()
    default:
      throw new TypeError(
        `${PACKAGE}: clientAuthentication.method must be client_secret_basic, client_secret_post, private_key_jwt or none`,
      )
  }
}

function requireSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret === '') {
    throw new TypeError(`${PACKAGE}: clientSecret must be a non-empty string`)
  }
  return secret
}
