// The cold-start scenario's app server, started by src/cold-start.ts in its own process:
// on each `app` message it closes the last app and serves a fresh Express 5 app with a
// fresh middleware (so an empty JWKS cache) on 127.0.0.1 port 0. `--cpu-prof` goes here.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { childChannel } from './child.js'
import type { ColdAppMessage, ColdAppReadyMessage } from './cold-start-protocol.js'
import { jwtImplementation } from './implementations.js'

const channel = childChannel(30 * 60_000)
let current: Server | undefined

function close(server: Server | undefined): Promise<void> {
  if (server === undefined) return Promise.resolve()
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

channel.on<ColdAppMessage>('app', async ({ impl: id, config }) => {
  await close(current)
  const impl = jwtImplementation(id)
  const app = express()
  app.get('/health', (_req, res) => {
    res.end()
  })
  app.get('/pets', await impl.create(config, 'RS256', {}), (_req, res) => {
    res.json({ pets: [] })
  })
  app.use(impl.errorHandler)
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  current = server
  const { port } = server.address() as AddressInfo
  channel.send({ type: 'ready', port } satisfies ColdAppReadyMessage)
})
