// One HTTP scenario's server, started by src/run.ts in its own process pinned to one core:
// `node --conditions=@tokenguard/source --import tsx src/http-server.ts <scenario id>`.
// The same Express 5 app and route for every scenario; only the middleware differs. It
// listens on 127.0.0.1 only, and exits when the runner disconnects.
import type { AddressInfo } from 'node:net'
import express, { type ErrorRequestHandler, type RequestHandler } from 'express'
import { childChannel } from './child.js'
import {
  ceilingMiddleware,
  introspectionImplementation,
  jwtImplementation,
} from './implementations.js'
import { peerErrorHandler } from './peers/error-handler.js'
import type { ServerConfigMessage, ServerReadyMessage, ServerStatsMessage } from './protocol.js'

const channel = childChannel(60 * 60_000)
let fullVerifications = 0
let cpuAtLastStats = process.cpuUsage()

// One more function on the route that only calls next(): what any middleware costs at least.
const callNext: RequestHandler = (_req, _res, next) => {
  next()
}

// The same handler and body in every scenario, so only the middleware differs.
const listPets: RequestHandler = (_req, res) => {
  res.json({ pets: [] })
}

async function middlewareFor({ server, config, jwks }: ServerConfigMessage): Promise<{
  middleware: RequestHandler[]
  errorHandler: ErrorRequestHandler
}> {
  switch (server.kind) {
    case 'bare':
      return { middleware: [], errorHandler: peerErrorHandler }
    case 'next':
      return { middleware: [callNext], errorHandler: peerErrorHandler }
    case 'ceiling':
      return { middleware: [ceilingMiddleware(jwks, server.alg)], errorHandler: peerErrorHandler }
    case 'jwt': {
      const impl = jwtImplementation(server.impl)
      const hooks = { onFullVerification: () => void fullVerifications++ }
      const middleware = await impl.create(config, server.alg, hooks)
      return { middleware: [middleware], errorHandler: impl.errorHandler }
    }
    case 'introspection': {
      const impl = introspectionImplementation(server.impl)
      return { middleware: [await impl.create(config)], errorHandler: impl.errorHandler }
    }
  }
}

channel.on<ServerConfigMessage>('config', async (message) => {
  const { middleware, errorHandler } = await middlewareFor(message)
  const app = express()
  app.get('/pets', ...middleware, listPets)
  app.use(errorHandler)
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
