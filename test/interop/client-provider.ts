import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

/** Clients of the provider the client package is tried against, each with a 40-character secret. */
export const CLIENT_APPS = {
  web: { id: 'petstore-web', secret: 'w'.repeat(40) },
  service: { id: 'stats-service', secret: 's'.repeat(40) },
  cli: { id: 'petstore-cli' },
  api: { id: 'petstore-api', secret: 'a'.repeat(40) },
} as const

/** oidc-provider for the client side: code + PKCE with refresh rotation, client credentials, device flow, revocation. */
export interface ClientProvider {
  readonly issuer: string
  /** POSTs to `/token` so far. */
  tokenRequests(): number
  /** Whether the provider still considers `token` active (its introspection endpoint). */
  isActive(token: string): Promise<boolean>
  close(): Promise<void>
}

/** Starts oidc-provider 9 on 127.0.0.1, port 0, for a web app whose callback is `redirectUri`. */
export async function startClientProvider(redirectUri: string): Promise<ClientProvider> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end()
  let tokenRequests = 0
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/token') tokenRequests++
    handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'es256-1', alg: 'ES256', use: 'sig' }
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_APPS.web.id,
        client_secret: CLIENT_APPS.web.secret,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: CLIENT_APPS.service.id,
        client_secret: CLIENT_APPS.service.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: CLIENT_APPS.cli.id,
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'none',
      },
      {
        client_id: CLIENT_APPS.api.id,
        client_secret: CLIENT_APPS.api.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: { keys: [signingKey] },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'pets:read', 'pets:stats'],
    rotateRefreshToken: true,
    ttl: {
      AccessToken: () => 60,
      ClientCredentials: () => 60,
      AuthorizationCode: () => 60,
      IdToken: () => 60,
      DeviceCode: () => 600,
      RefreshToken: () => 86_400,
      Grant: () => 86_400,
      Interaction: () => 600,
      Session: () => 600,
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      introspection: { enabled: true, allowedPolicy: () => true },
      revocation: { enabled: true, allowedPolicy: () => true },
    },
  })
  handler = provider.callback()
  const apiAuth = `Basic ${Buffer.from(`${CLIENT_APPS.api.id}:${CLIENT_APPS.api.secret}`).toString('base64')}`
  return {
    issuer,
    tokenRequests: () => tokenRequests,
    async isActive(token) {
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { authorization: apiAuth },
        body: new URLSearchParams({ token }),
      })
      return ((await response.json()) as { active: boolean }).active
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
