import { randomBytes } from 'node:crypto'
import {
  createServiceTokens,
  createTokenFetch,
  createWebLogin,
  discoverAuthorizationServer,
  type SessionRecord,
} from '@tokenguard/client'
import type { Store } from '@tokenguard/core'
import { GRANT_TYPES } from '@tokenguard/mock-authorization-server'
import { createStatsService } from './stats-service.js'
import { listen, type PendingServer } from './listen.js'
import { startPetstore, type PetstoreStartOptions, type RunningPetstore } from './start.js'
import { createWebApp } from './web/web-app.js'

/** Options of {@link startPetstoreSystem}: the API's, and the ports of the web app and the stats service. */
export interface PetstoreSystemOptions extends Omit<
  PetstoreStartOptions,
  'issuer' | 'introspectionClient'
> {
  /** Port of the web app. Default: 3001; 0 picks a free one. */
  webPort?: number
  /** Port of the stats service. Default: 3002; 0 picks a free one. */
  statsPort?: number
  /** Where the web app keeps its sessions. Default: in memory (use Redis for many instances). */
  sessionStore?: Store<SessionRecord>
}

/** The whole PetStore, running. */
export interface RunningPetstoreSystem {
  /** The API and its local authorization server. */
  readonly petstore: RunningPetstore
  /** The web app to open in a browser. */
  readonly webUrl: string
  /** The stats service. */
  readonly statsUrl: string
  /** The authorization server (login and consent pages). */
  readonly authorizationServerUrl: string
  /** The client ids registered at the authorization server. */
  readonly clients: { readonly web: string; readonly stats: string; readonly cli: string }
  /** Stops every server. */
  close(): Promise<void>
}

/** The client ids of the PetStore's clients. */
export const CLIENT_IDS = {
  web: 'petstore-web',
  stats: 'petstore-stats',
  cli: 'petstore-cli',
} as const

/**
 * Starts the tutorials' whole PetStore on 127.0.0.1: the local authorization server with its
 * login and consent pages, the API, the web app (login, dashboard, adopt, logout) and the
 * stats service (client credentials), with the web app, the stats service and the CLI
 * registered as clients. Secrets are random per start.
 *
 * @example
 * const system = await startPetstoreSystem({ port: 0, webPort: 0, statsPort: 0 })
 * console.log(`open ${system.webUrl}`)
 * await system.close()
 */
export async function startPetstoreSystem(
  options: PetstoreSystemOptions = {},
): Promise<RunningPetstoreSystem> {
  const { webPort, statsPort, sessionStore, ...apiOptions } = options
  const petstore = await startPetstore(apiOptions)
  const servers: PendingServer[] = []
  try {
    const authorizationServer = petstore.authorizationServer
    if (authorizationServer === undefined)
      throw new Error('petstore: the whole system needs the local authorization server')
    const host = options.host ?? '127.0.0.1'
    const web = await listen(webPort ?? 3001, host, 'WEB_PORT')
    servers.push(web)
    const stats = await listen(statsPort ?? 3002, host, 'STATS_PORT')
    servers.push(stats)
    const webSecret = randomBytes(32).toString('base64url')
    const statsSecret = randomBytes(32).toString('base64url')
    authorizationServer.registerClient({
      client_id: CLIENT_IDS.web,
      client_secret: webSecret,
      redirect_uris: [`${web.url}/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access pets:read adoptions:create',
    })
    authorizationServer.registerClient({
      client_id: CLIENT_IDS.stats,
      client_secret: statsSecret,
      grant_types: ['client_credentials'],
      scope: 'pets:stats',
    })
    authorizationServer.registerClient({
      client_id: CLIENT_IDS.cli,
      token_endpoint_auth_method: 'none',
      grant_types: GRANT_TYPES.filter(
        (grant) => grant !== 'client_credentials' && grant !== 'authorization_code',
      ),
      scope: 'openid offline_access pets:read',
    })
    const issuer = petstore.issuer
    const apiUrl = petstore.publicOrigin
    const statsTokens = createServiceTokens({
      server: await discoverAuthorizationServer({
        issuer,
        clientId: CLIENT_IDS.stats,
        clientSecret: statsSecret,
      }),
      scope: 'pets:stats',
    })
    stats.serve(
      createStatsService({
        apiUrl,
        apiFetch: createTokenFetch({ tokens: statsTokens, origins: [apiUrl] }),
      }),
    )
    const login = createWebLogin({
      server: await discoverAuthorizationServer({
        issuer,
        clientId: CLIENT_IDS.web,
        clientSecret: webSecret,
      }),
      redirectUri: `${web.url}/callback`,
      cookieSecret: randomBytes(32),
      scope: 'openid offline_access pets:read adoptions:create',
      ...(sessionStore === undefined ? {} : { sessionStore }),
    })
    web.serve(createWebApp({ web: login, apiUrl, statsUrl: stats.url, csrfKey: randomBytes(32) }))
    return {
      petstore,
      webUrl: web.url,
      statsUrl: stats.url,
      authorizationServerUrl: issuer,
      clients: CLIENT_IDS,
      async close() {
        await Promise.all(servers.map((server) => server.close()))
        await petstore.close()
      },
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()))
    await petstore.close()
    throw error
  }
}
