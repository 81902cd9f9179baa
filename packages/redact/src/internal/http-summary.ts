import { IncomingMessage, ServerResponse } from 'node:http'

/** The fields of a request worth logging, as pino's standard serializer picks them. */
export interface RequestSummary {
  id?: string | number
  method: string | undefined
  url: string | undefined
  headers: IncomingMessage['headers']
  remoteAddress: string | undefined
  remotePort: number | undefined
}

/** The fields of a response worth logging. */
export interface ResponseSummary {
  statusCode: number
  headers: ReturnType<ServerResponse['getHeaders']>
}

/** Whether a value is a request or a response, which only a serializer should walk. */
export function isHttp(value: unknown): boolean {
  return value instanceof IncomingMessage || value instanceof ServerResponse
}

/**
 * A request or response as a small plain object, or `undefined` for anything else: walking
 * the objects themselves would reach into sockets and parsers.
 */
export function summariseHttp(value: object): RequestSummary | ResponseSummary | undefined {
  if (value instanceof IncomingMessage) return summariseRequest(value)
  if (value instanceof ServerResponse) {
    return { statusCode: value.statusCode, headers: value.getHeaders() }
  }
  return undefined
}

function summariseRequest(req: IncomingMessage): RequestSummary {
  const { id, originalUrl } = req as IncomingMessage & { id?: unknown; originalUrl?: unknown }
  const summary: RequestSummary = {
    method: req.method,
    // Express rewrites `url` under a mount path; `originalUrl` is what the client sent.
    url: typeof originalUrl === 'string' ? originalUrl : req.url,
    headers: req.headers,
    remoteAddress: req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  }
  if (typeof id === 'string' || typeof id === 'number') summary.id = id
  return summary
}
