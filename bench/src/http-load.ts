// The load generator, started by src/run.ts in its own process pinned to another core than
// the servers. It gets every token list once, then runs bounded by their duration against
// 127.0.0.1 only.
import autocannon from 'autocannon'
import { childChannel } from './child.js'
import type { LoadResultMessage, LoadRunMessage, LoadTokensMessage } from './protocol.js'

const channel = childChannel(60 * 60_000)
let lists: Readonly<Record<string, readonly string[]>> = {}

channel.on<LoadTokensMessage>('tokens', (message) => {
  lists = message.lists
  channel.send({ type: 'tokens-ready' })
})

channel.on<LoadRunMessage>('run', async (run) => {
  if (new URL(run.url).hostname !== '127.0.0.1') {
    throw new Error('bench: the load generator only talks to 127.0.0.1')
  }
  const tokens = run.tokens ?? (run.list === undefined ? undefined : lists[run.list])
  if (tokens === undefined || tokens.length === 0) {
    throw new Error(`bench: no tokens for the run (list "${run.list ?? '-'}")`)
  }
  const offset = run.offset ?? 0
  const toRequest = (token: string): autocannon.Request => ({
    method: 'GET',
    path: '/pets',
    headers: { authorization: `Bearer ${token}` },
  })
  // Each connection gets its own share of the list, starting where the last run of the
  // scenario stopped (`offset`): the same token is never sent by two connections at about
  // the same time, and a pool is used up before any token comes again. (autocannon builds
  // every request of a connection before it starts, so a share, not the whole list.)
  const share = Math.ceil(tokens.length / run.connections)
  let connection = 0
  const instance = autocannon({
    url: run.url,
    connections: run.connections,
    duration: run.durationSec,
    // autocannon stops at the first sample after the duration: sample often, so a run
    // lasts its duration and not up to the next whole second.
    sampleInt: 100,
    timeout: 5,
    requests: [toRequest(tokens[0]!)],
    setupClient(client) {
      const start = offset + connection++ * share
      client.setRequests(
        Array.from({ length: share }, (_, i) => toRequest(tokens[(start + i) % tokens.length]!)),
      )
    },
  })
  // Timed from autocannon's start: building the requests of every connection comes first.
  let cpuBefore = process.cpuUsage()
  let started = performance.now()
  instance.on('start', () => {
    cpuBefore = process.cpuUsage()
    started = performance.now()
  })
  const result = await instance
  const cpu = process.cpuUsage(cpuBefore)
  const sendingMs = performance.now() - started
  const statusCounts: Record<string, number> = {}
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    statusCounts[status] = count
  }
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']
  channel.send({
    type: 'result',
    requestsPerSec: responses / (sendingMs / 1000),
    responses,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    sendingMs,
    cpuShare: (cpu.user + cpu.system) / 1000 / sendingMs,
  } satisfies LoadResultMessage)
})
