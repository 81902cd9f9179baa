// The apps of the request-logger benchmark: the same JSON route, behind nothing (bare), behind
// requestLogger, or behind pino-http with and without redaction. Lines go to `onLine`, which
// does not write them: what is measured is making them.
import { createPinoRedaction, requestLogger } from '@tokenguard/redact'
import express, { type Express, type RequestHandler } from 'express'
import { pino } from 'pino'
import { pinoHttp } from 'pino-http'
import type { RedactScenario } from './redact-protocol.js'

function middlewareFor(scenario: RedactScenario, onLine: () => void): RequestHandler[] {
  const destination = { write: onLine }
  switch (scenario) {
    case 'bare':
      return []
    case 'requestLogger':
      return [requestLogger({ logger: pino({ ...createPinoRedaction() }, destination) })]
    case 'pinoHttp':
      return [pinoHttp({ logger: pino({}, destination) })]
    case 'pinoHttpRedacted': {
      const redaction = createPinoRedaction()
      const logger = pino({ ...redaction }, destination)
      return [pinoHttp({ logger, serializers: redaction.serializers })]
    }
  }
}

/** The app of one scenario. */
export function scenarioApp(scenario: RedactScenario, onLine: () => void): Express {
  const app = express()
  app.get('/pets', ...middlewareFor(scenario, onLine), (_req, res) => {
    res.json({ pets: [] })
  })
  return app
}
