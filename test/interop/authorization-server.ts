import { createHash, randomBytes } from 'node:crypto'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

/** The resource this API is, and another one, as resource indicators (RFC 8707). */
export const API = 'https://api.petstore.test'
export const OTHER_API = 'https://other.petstore.test'
export const SCOPES = 'pets:read pets:write adoptions:create'
/** Lifetime of every access token, in seconds. */
export const ACCESS_TOKEN_TTL_SEC = 60

/** Clients registered at the authorization server, each with a 40-character secret. */
export const CLIENTS = {
  /** Machine to machine: RFC 9068 JWT access tokens. */
  jwt: { id: 'svc-jwt', secret: 'j'.repeat(40) },
  /** Machine to machine: opaque access tokens, introspected. */
  opaque: { id: 'svc-opaque', secret: 'o'.repeat(40) },
  /** The API itself, for introspection. */
  api: { id: 'petstore-api', secret: 'a'.repeat(40) },
  /** A web app: authorization code with PKCE, JWT access tokens. */
  web: { id: 'web-app', secret: 'w'.repeat(40), redirectUri: 'http://127.0.0.1/callback' },
} as const

/** oidc-provider on 127.0.0.1, with the client helpers a test needs. */
export interface AuthorizationServer {
  /** The issuer: `http://127.0.0.1:PORT`. */
  readonly issuer: string
  /** Client credentials grant for `resource`; resolves to the access token. */
  clientCredentials(client: 'jwt' | 'opaque', resource?: string): Promise<string>
  /**
   * Authorization code grant with PKCE (S256) for `user`, driven headlessly through the
   * provider's own login and consent pages; resolves to the token response.
   */
  authorizationCode(
    user: string,
  ): Promise<{ access_token: string; id_token: string; refresh_token: string }>
  /** Revokes `token` at the revocation endpoint (RFC 7009) as the client that got it. */
  revoke(client: 'jwt' | 'opaque', token: string): Promise<void>
  close(): Promise<void>
}

/**
 * Starts oidc-provider 9 on 127.0.0.1, port 0, with resource indicators (RFC 8707),
 * client credentials, introspection (RFC 7662) and revocation (RFC 7009). Access tokens for
 * {@link API} and {@link OTHER_API} are RFC 9068 JWTs signed with ES256, or opaque for the
 * `opaque` client, and live {@link ACCESS_TOKEN_TTL_SEC} seconds.
 */
export async function startAuthorizationServer(): Promise<AuthorizationServer> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end()
  const server = createServer((req, res) => handler(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'es256-1', alg: 'ES256', use: 'sig' }
  const basicClient = (client: { id: string; secret: string }, extra: object = {}) => ({
    client_id: client.id,
    client_secret: client.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    ...extra,
  })
  const ttl = () => ACCESS_TOKEN_TTL_SEC
  const provider = new Provider(issuer, {
    clients: [
      basicClient(CLIENTS.jwt),
      basicClient(CLIENTS.opaque),
      basicClient(CLIENTS.api),
      basicClient(CLIENTS.web, {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [CLIENTS.web.redirectUri],
      }),
    ],
    // Only an ES256 key is configured; the default for ID tokens would be RS256.
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: { keys: [signingKey] },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    pkce: { required: () => true },
    // A refresh token for every code grant of a client allowed one (no offline_access needed).
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      AuthorizationCode: ttl,
      IdToken: ttl,
      Grant: () => 600,
      Interaction: () => 600,
      Session: () => 600,
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: () => true },
      revocation: { enabled: true, allowedPolicy: () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string, client: { clientId: string }) => {
          if (resource !== API && resource !== OTHER_API) throw new Error('unknown resource')
          return {
            scope: SCOPES,
            audience: resource,
            accessTokenTTL: ACCESS_TOKEN_TTL_SEC,
            accessTokenFormat: client.clientId === CLIENTS.opaque.id ? 'opaque' : 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }
        },
      },
    },
  })
  handler = provider.callback()

  const basic = (client: { id: string; secret: string }) =>
    `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`
  async function tokenRequest(
    client: { id: string; secret: string },
    params: Record<string, string>,
  ): Promise<Record<string, string>> {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic(client) },
      body: new URLSearchParams(params),
    })
    const body = (await response.json()) as Record<string, string>
    if (response.status !== 200) throw new Error(`token endpoint: ${JSON.stringify(body)}`)
    return body
  }

  return {
    issuer,
    async clientCredentials(client, resource = API) {
      const body = await tokenRequest(CLIENTS[client], {
        grant_type: 'client_credentials',
        resource,
        scope: 'pets:read pets:write',
      })
      return body.access_token!
    },
    async authorizationCode(user) {
      const verifier = randomBytes(32).toString('base64url')
      const browser = createBrowser(issuer)
      let response = await browser.go(
        `/auth?${String(
          new URLSearchParams({
            client_id: CLIENTS.web.id,
            response_type: 'code',
            redirect_uri: CLIENTS.web.redirectUri,
            scope: 'openid pets:read',
            resource: API,
            code_challenge: createHash('sha256').update(verifier).digest('base64url'),
            code_challenge_method: 'S256',
          }),
        )}`,
      )
      // Follow redirects, signing in as `user` and consenting on the dev interaction pages.
      for (let step = 0; step < 12; step++) {
        const location = response.headers.get('location')
        if (location === null) throw new Error(`authorize: no redirect (${response.status})`)
        if (location.startsWith(CLIENTS.web.redirectUri)) {
          const code = new URL(location).searchParams.get('code')
          if (code === null) throw new Error(`authorize: ${location}`)
          const body = await tokenRequest(CLIENTS.web, {
            grant_type: 'authorization_code',
            code,
            redirect_uri: CLIENTS.web.redirectUri,
            code_verifier: verifier,
            resource: API,
          })
          return {
            access_token: body.access_token!,
            id_token: body.id_token!,
            refresh_token: body.refresh_token!,
          }
        }
        if (/^\/interaction\/[^/]+$/.test(new URL(location, issuer).pathname)) {
          const page = await (await browser.go(location)).text()
          const prompt = page.includes('name="login"') ? 'login' : 'consent'
          const form: Record<string, string> =
            prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt }
          response = await browser.go(location, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(form).toString(),
          })
        } else {
          response = await browser.go(location)
        }
      }
      throw new Error('authorize: too many redirects')
    },
    async revoke(client, token) {
      const response = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { authorization: basic(CLIENTS[client]) },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      })
      if (response.status !== 200) throw new Error(`revocation: ${response.status}`)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A cookie-keeping client that never follows redirects, for the interaction pages. */
function createBrowser(origin: string) {
  const cookies = new Map<string, string>()
  return {
    async go(
      url: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ): Promise<Response> {
      const response = await fetch(new URL(url, origin), {
        ...init,
        redirect: 'manual',
        headers: {
          ...init.headers,
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        },
      })
      for (const line of response.headers.getSetCookie()) {
        const pair = line.slice(0, line.indexOf(';') === -1 ? undefined : line.indexOf(';'))
        const equals = pair.indexOf('=')
        cookies.set(pair.slice(0, equals), pair.slice(equals + 1))
      }
      return response
    },
  }
}
