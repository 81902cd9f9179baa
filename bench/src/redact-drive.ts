// Drives an Express app in-process with real node:http request and response objects on a
// socket that discards what is written: the app, its middleware and 'finish' run as in a
// server, without the kernel and the HTTP parser. Used by src/redact-bench.ts.
import { IncomingMessage, ServerResponse, type RequestListener } from 'node:http'
import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'

/** Returns `request()`: one GET /pets with `headers` through `app`, resolved on 'finish'. */
export function driver(
  app: RequestListener,
  headers: Readonly<Record<string, string>>,
): () => Promise<number> {
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, done) {
      done()
    },
  }) as unknown as Socket
  Object.assign(socket, { remoteAddress: '127.0.0.1', remotePort: 50000, encrypted: false })
  return () =>
    new Promise<number>((resolve) => {
      const req = new IncomingMessage(socket)
      req.method = 'GET'
      req.url = '/pets'
      req.headers = { host: '127.0.0.1', ...headers }
      req.push(null)
      const res = new ServerResponse(req)
      res.assignSocket(socket)
      res.once('finish', () => {
        res.detachSocket(socket)
        resolve(res.statusCode)
      })
      app(req, res)
    })
}
