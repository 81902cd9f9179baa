// One HTTP scenario's server, started by src/run.ts in its own process pinned to one core:
// `node --conditions=development --import tsx src/http-server.ts <scenario>`.
// It listens on 127.0.0.1 only, and exits when the runner disconnects.
import type { AddressInfo } from 'node:net'
import { oauthErrorHandler } from '@tokenguard/core'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import express, { type RequestHandler } from 'express'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { childChannel } from './child.js'
import {
  SCENARIOS,
  UNIQUE_CACHE_ENTRIES,
  type Scenario,
  type ServerConfigMessage,
  type ServerReadyMessage,
  type ServerStatsMessage,
} from './protocol.js'
import { JWKS_URI, jwksFetch } from './tokens.js'

const scenario = process.argv[2] as Scenario
if (!SCENARIOS.includes(scenario)) {
  throw new Error(
    `bench: unknown scenario "${String(scenario)}"; use one of ${SCENARIOS.join(', ')}`,
  )
}

const channel = childChannel(60 * 60_000)
let fullVerifications = 0
let cpuAtLastStats = process.cpuUsage()

// The same handler and body in every scenario, so only the middleware differs.
const listPets: RequestHandler = (_req, res) => {
  res.json({ pets: [] })
}

async function middlewareFor(config: ServerConfigMessage): Promise<RequestHandler[]> {
  if (scenario === 'bare') return []
  if (scenario === 'jose') {
    // What an app does today with jose alone: no result cache, WebCrypto per token.
    const keys = createLocalJWKSet(config.jwks)
    const options = { issuer: config.issuer, audience: config.audience, algorithms: ['RS256'] }
    const joseBearer: RequestHandler = (req, _res, next) => {
      const header = req.headers.authorization ?? ''
      jwtVerify(header.slice('Bearer '.length), keys, options).then(({ payload }) => {
        ;(req as { jwt?: unknown }).jwt = payload
        next()
      }, next)
    }
    return [joseBearer]
  }
  const verifier = createJwtVerifier({
    issuer: config.issuer,
    audience: config.audience,
    jwksUri: JWKS_URI,
    fetch: jwksFetch(config.jwks),
    ...(scenario === 'unique' ? { cacheMaxEntries: UNIQUE_CACHE_ENTRIES } : {}),
    // Validators run once per full verification and never on a cache hit: a free counter.
    validators: [
      () => {
        fullVerifications++
      },
    ],
  })
  await verifier.hydrate()
  return [jwtBearer({ verifier }) as RequestHandler]
}

channel.on<ServerConfigMessage>('config', async (config) => {
  const app = express()
  app.get('/pets', ...(await middlewareFor(config)), listPets)
  app.use(oauthErrorHandler())
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    channel.send({ type: 'ready', port } satisfies ServerReadyMessage)
  })
})

channel.on('stats', () => {
  const cpu = process.cpuUsage(cpuAtLastStats)
  cpuAtLastStats = process.cpuUsage()
  channel.send({
    type: 'stats',
    fullVerifications,
    cpuMs: (cpu.user + cpu.system) / 1000,
  } satisfies ServerStatsMessage)
  fullVerifications = 0
})
