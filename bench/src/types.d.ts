// Minimal declarations for the parts of autocannon 8 the benchmark uses: the package ships
// no types, and the bench adds no dependency just for them.
declare module 'autocannon' {
  import type { IncomingHttpHeaders } from 'node:http'

  namespace autocannon {
    interface Request {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string | Buffer
    }

    interface Client {
      setRequests(requests: Request[]): void
    }

    interface Options {
      url: string
      connections?: number
      pipelining?: number
      duration?: number
      amount?: number
      /** How often the duration is checked (and samples taken), in ms. Default: 1000. */
      sampleInt?: number
      timeout?: number
      requests?: Request[]
      setupClient?: (client: Client) => void
      headers?: IncomingHttpHeaders
    }

    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p50: number
      p99: number
    }

    interface Result {
      title?: string
      url: string
      duration: number
      connections: number
      errors: number
      timeouts: number
      mismatches: number
      non2xx: number
      resets: number
      '1xx': number
      '2xx': number
      '3xx': number
      '4xx': number
      '5xx': number
      statusCodeStats: Record<string, { count: number }>
      latency: Histogram
      requests: Histogram & { sent: number }
      throughput: Histogram
    }
  }

  /** A run: a promise of its result that also emits `start` once every client is set up. */
  interface Instance extends PromiseLike<autocannon.Result> {
    on(event: 'start', listener: () => void): this
  }

  function autocannon(options: autocannon.Options): Instance

  export default autocannon
}

// passport 0.7 and passport-jwt 4 ship no types either: only what src/peers/passport-jwt.ts
// calls is declared.
declare module 'passport' {
  import type { RequestHandler } from 'express'

  namespace passport {
    interface Strategy {
      name?: string
    }

    class Passport {
      use(strategy: Strategy): this
      authenticate(strategy: string, options: { session: boolean }): RequestHandler
    }
  }

  const passport: { Passport: typeof passport.Passport }
  export default passport
}

declare module 'passport-jwt' {
  import type { IncomingMessage } from 'node:http'
  import type { Strategy as PassportStrategy } from 'passport'

  namespace passportJwt {
    type SecretOrKeyProvider = (
      request: IncomingMessage,
      rawJwtToken: string,
      done: (err: unknown, secretOrKey?: string | Buffer | null) => void,
    ) => void

    interface StrategyOptions {
      jwtFromRequest: (request: IncomingMessage) => string | null
      secretOrKeyProvider: SecretOrKeyProvider
      issuer?: string
      audience?: string
      algorithms?: string[]
    }

    type VerifiedCallback = (error: unknown, user?: unknown, info?: unknown) => void

    class Strategy implements PassportStrategy {
      constructor(
        options: StrategyOptions,
        verify: (payload: Record<string, unknown>, done: VerifiedCallback) => void,
      )
      name?: string
    }

    const ExtractJwt: {
      fromAuthHeaderAsBearerToken(): (request: IncomingMessage) => string | null
    }
  }

  const passportJwt: {
    Strategy: typeof passportJwt.Strategy
    ExtractJwt: typeof passportJwt.ExtractJwt
  }
  export default passportJwt
}
