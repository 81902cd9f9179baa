// PEER, not tokenguard: the seeds' introspection middleware, the tutorial snippet as people
// write it: node-cache keyed by the raw token (stdTTL, no size bound), a POST to the
// introspection endpoint with HTTP Basic, and a 401 for anything that goes wrong (an
// outage of the endpoint included). Concurrent misses each make their own call.
import type { Request, RequestHandler } from 'express'
import NodeCache from 'node-cache'
import type { BenchIssuerConfig } from '../protocol.js'

interface Introspection {
  active?: boolean
  [claim: string]: unknown
}

export function nodeCacheIntrospection({
  introspectionEndpoint,
  clientId,
  clientSecret,
}: BenchIssuerConfig): RequestHandler {
  const cache = new NodeCache({ stdTTL: 100, checkperiod: 120 })
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64')
  return async (req, res, next) => {
    const token = req.headers.authorization?.split(' ')[1]
    if (!token) return void res.status(401).json({ error: 'missing_token' })
    let data = cache.get<Introspection>(token)
    if (!data) {
      try {
        const response = await fetch(introspectionEndpoint, {
          method: 'POST',
          headers: {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ token }),
        })
        data = (await response.json()) as Introspection
      } catch {
        return void res.status(401).json({ error: 'invalid_token' })
      }
      if (data.active) cache.set(token, data)
    }
    if (!data.active) return void res.status(401).json({ error: 'invalid_token' })
    ;(req as Request & { user?: unknown }).user = data
    next()
  }
}
