import type { TestProject } from 'vitest/node'
import { startRedisServer } from './redis-server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:PORT` of the one redis-server of this test run. */
    redisUrl: string
  }
}

/**
 * Vitest global setup: starts ONE real `redis-server` on 127.0.0.1 for the whole run and
 * gives its URL to the tests as `inject('redisUrl')`; stops it after the run. Tests share
 * it through distinct key namespaces. Without redis-server the run fails here, loudly.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer()
  project.provide('redisUrl', server.url)
  return () => server.stop()
}
