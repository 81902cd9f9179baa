// The load generator, started by src/run.ts in its own process pinned to another core than
// the servers. Each run is bounded by its duration and talks to 127.0.0.1 only.
import autocannon from 'autocannon'
import { childChannel } from './child.js'
import type { LoadResultMessage, LoadRunMessage } from './protocol.js'
import { rotate } from './report.js'

const channel = childChannel(60 * 60_000)

channel.on<LoadRunMessage>('run', async (run) => {
  if (new URL(run.url).hostname !== '127.0.0.1') {
    throw new Error('bench: the load generator only talks to 127.0.0.1')
  }
  const toRequest = (token: string): autocannon.Request => ({
    method: 'GET',
    path: '/pets',
    headers: { authorization: `Bearer ${token}` },
  })
  let connection = 0
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const result = await autocannon({
    url: run.url,
    connections: run.connections,
    duration: run.durationSec,
    timeout: 5,
    requests: [toRequest(run.tokens[0]!)],
    // Each connection starts at another place in the pool, so the same token is never
    // sent by two connections at about the same time.
    setupClient(client) {
      const offset = Math.floor((connection++ * run.tokens.length) / run.connections)
      client.setRequests(rotate(run.tokens, offset).map(toRequest))
    },
  })
  const cpu = process.cpuUsage(cpuBefore)
  const elapsedMs = performance.now() - started
  const statusCounts: Record<string, number> = {}
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    statusCounts[status] = count
  }
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']
  channel.send({
    type: 'result',
    requestsPerSec: responses / result.duration,
    responses,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuShare: (cpu.user + cpu.system) / 1000 / elapsedMs,
  } satisfies LoadResultMessage)
})
