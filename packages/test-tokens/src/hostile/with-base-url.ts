import { createServer } from 'node:http'
import type { RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Runs `use` with the base URL of `app`: a URL string is used as is (without a trailing
 * slash); a request listener (an Express or Connect app) is served on 127.0.0.1, on a port
 * the system picks, for the duration of `use`, then closed with every open socket.
 */
export async function withBaseUrl<T>(
  app: RequestListener | string,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  if (typeof app === 'string') return use(app.replace(/\/+$/, ''))
  const server = createServer(app)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      // Keep-alive sockets of fetch would hold close() open: end them now.
      server.closeAllConnections()
    })
  }
}
