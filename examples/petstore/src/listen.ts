import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An HTTP server that listens before it has its app: 503 until `serve(app)`. */
export interface PendingServer {
  readonly url: string
  serve(app: RequestListener): void
  close(): Promise<void>
}

/**
 * Listens on `host:port` at once, so the URL is known before the app is built. A port in
 * use fails with a message naming `portVariable`, the environment variable that moves it.
 *
 * @example
 * const api = await listen(3000, '127.0.0.1', 'PORT')
 * api.serve(app)
 */
export async function listen(
  port: number,
  host: string,
  portVariable: string,
): Promise<PendingServer> {
  let handler: RequestListener = (_req, res) => {
    res.writeHead(503, { 'Retry-After': '1', 'Content-Length': 0 }).end()
  }
  const server: Server = createServer((req, res) => handler(req, res))
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on ${host} is in use: stop what uses it, or set ${portVariable} to another port (0 picks a free one)`,
              { cause: error },
            )
          : error,
      )
    }
    server.once('error', failed)
    server.listen(port, host, () => {
      server.off('error', failed)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    serve(app) {
      handler = app
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
