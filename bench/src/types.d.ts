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

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>

  export default autocannon
}
