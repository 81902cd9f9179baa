// One server of the request-logger benchmark, started by src/redact-bench.ts in its own
// process: `node --conditions=@tokenguard/source --import tsx src/redact-server.ts <scenario>`.
// It listens on 127.0.0.1 only, reports its CPU time on `stats`, and exits with the runner.
import type { AddressInfo } from 'node:net'
import { childChannel } from './child.js'
import { scenarioApp } from './redact-apps.js'
import {
  REDACT_SCENARIOS,
  type RedactScenario,
  type RedactServerReady,
  type RedactServerStats,
} from './redact-protocol.js'

const scenario = process.argv[2] as RedactScenario
if (!REDACT_SCENARIOS.includes(scenario)) {
  throw new Error(
    `bench: unknown scenario "${String(scenario)}"; use ${REDACT_SCENARIOS.join(', ')}`,
  )
}
const channel = childChannel(60 * 60_000)
let lines = 0
let cpuAtLastStats = process.cpuUsage()

channel.on('config', () => {
  const server = scenarioApp(scenario, () => void lines++).listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    channel.send({ type: 'ready', port } satisfies RedactServerReady)
  })
})

channel.on('stats', () => {
  const cpu = process.cpuUsage(cpuAtLastStats)
  cpuAtLastStats = process.cpuUsage()
  channel.send({
    type: 'stats',
    cpuMs: (cpu.user + cpu.system) / 1000,
    lines,
  } satisfies RedactServerStats)
  lines = 0
})
