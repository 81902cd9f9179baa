import express, { type Express } from 'express'

/** Options of {@link createStatsService}. */
export interface StatsServiceOptions {
  /** Origin of the PetStore API. */
  readonly apiUrl: string
  /** A `fetch` that adds the service's client-credentials token: `createTokenFetch()`. */
  readonly apiFetch: typeof fetch
}

/**
 * The stats microservice: `GET /stats` calls the API's `/internal/pets/stats` (scope
 * `pets:stats`) with a client-credentials token through `@tokenguard/client`'s fetch wrapper
 * (one token request however many calls, refreshed ahead of expiry) and passes the numbers on.
 *
 * @example
 * const app = createStatsService({ apiUrl, apiFetch: createTokenFetch({ tokens, origins: [apiUrl] }) })
 */
export function createStatsService(options: StatsServiceOptions): Express {
  const app = express()
  app.disable('x-powered-by')
  app.get('/stats', (_req, res) => {
    options
      .apiFetch(`${options.apiUrl}/internal/pets/stats`, { signal: AbortSignal.timeout(5_000) })
      .then(async (answer) => {
        if (!answer.ok) {
          await answer.arrayBuffer()
          res
            .status(502)
            .json({ error: 'upstream', error_description: `The API answered ${answer.status}` })
          return
        }
        res.set('Cache-Control', 'no-store').json(await answer.json())
      })
      .catch(() => {
        res.status(502).json({
          error: 'upstream',
          error_description: 'The API or the authorization server could not be reached',
        })
      })
  })
  return app
}
