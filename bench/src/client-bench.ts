// @tokenguard/client: the fetch wrapper with a cached token ÷ plain fetch (same server, same
// run, alternating rounds), and token requests per 1,000 concurrent calls at expiry, ours
// beside the seeds' ServiceTokenManager.
// Run: node --conditions=@tokenguard/source --import tsx bench/src/client-bench.ts [--full|--smoke]
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createServiceTokens,
  createTokenFetch,
  discoverAuthorizationServer,
} from '@tokenguard/client'
import { createMockAuthorizationServer } from '@tokenguard/mock-authorization-server'
import { ServiceTokenManager } from './peers/service-token-manager.js'

const full = process.argv.includes('--full')
const smoke = process.argv.includes('--smoke')
const ROUNDS = smoke ? 2 : full ? 12 : 6
const REQUESTS = smoke ? 200 : full ? 5_000 : 2_000
const CONCURRENCY = 16
const CALLERS = 1_000
const SECRET = 'a-long-enough-secret-for-the-benchmark'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function timeRequests(send: () => Promise<Response>): Promise<number> {
  let left = REQUESTS
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) {
        const response = await send()
        if (response.status !== 200) throw new Error(`bench: status ${response.status}`)
        await response.arrayBuffer()
      }
    }),
  )
  return REQUESTS / ((performance.now() - start) / 1000)
}

const server = await createMockAuthorizationServer({
  clients: [{ client_id: 'bench', client_secret: SECRET, scope: 'pets:stats' }],
})
const running = await server.listen()
const api = createServer((req, res) => {
  res.setHeader('content-type', 'application/json')
  res.end(req.headers.authorization === undefined ? '{"auth":false}' : '{"auth":true}')
})
await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`
try {
  const config = await discoverAuthorizationServer({
    issuer: running.url,
    clientId: 'bench',
    clientSecret: SECRET,
  })
  const tokens = createServiceTokens({ server: config, scope: 'pets:stats' })
  const tokenFetch = createTokenFetch({ tokens, origins: [apiUrl] })
  const token = await tokens.getToken()
  const plain = () => fetch(`${apiUrl}/stats`, { headers: { authorization: `Bearer ${token}` } })
  const ours = () => tokenFetch(`${apiUrl}/stats`)
  await timeRequests(plain)
  await timeRequests(ours)
  const ratios: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first, so a noisy neighbour hits both.
    const [a, b] = round % 2 === 0 ? [await timeRequests(plain), await timeRequests(ours)] : [0, 0]
    const [c, d] = round % 2 === 1 ? [await timeRequests(ours), await timeRequests(plain)] : [0, 0]
    ratios.push(round % 2 === 0 ? b / a : c / d)
  }
  const sorted = [...ratios].sort((x, y) => x - y)

  // Token requests per 1,000 concurrent calls at expiry.
  let clock = Date.now()
  const atExpiry = createServiceTokens({ server: config, scope: 'pets:stats', now: () => clock })
  await atExpiry.getToken()
  clock += 3_600_000
  running.resetRequests()
  await Promise.all(Array.from({ length: CALLERS }, () => atExpiry.getToken()))
  const oursRequests = running.requests('/token')
  const seeds = new ServiceTokenManager(running.tokenEndpoint, 'bench', SECRET, 'pets:stats')
  await seeds.getToken()
  seeds.expire()
  running.resetRequests()
  await Promise.all(Array.from({ length: CALLERS }, () => seeds.getToken()))
  const seedRequests = running.requests('/token')

  const lines = [
    `## @tokenguard/client (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${smoke ? 'smoke' : full ? 'full' : 'quick'})`,
    '',
    '| measurement | result |',
    '| --- | --- |',
    `| createTokenFetch with a cached token ÷ plain fetch with the same header (${ROUNDS} alternating rounds of ${REQUESTS} requests, ${CONCURRENCY} concurrent) | ${median(ratios).toFixed(3)}× (spread ${sorted[0]?.toFixed(3)}–${sorted.at(-1)?.toFixed(3)}) |`,
    `| token requests for ${CALLERS} concurrent calls at expiry: createServiceTokens | ${oursRequests} |`,
    `| token requests for ${CALLERS} concurrent calls at expiry: the seeds' ServiceTokenManager | ${seedRequests} |`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
} finally {
  await running.close()
  await new Promise<void>((resolve) => {
    api.closeAllConnections()
    api.close(() => resolve())
  })
}
