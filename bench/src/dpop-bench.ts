// DPoP cost per request, as a ratio to a plain Bearer request in the same run, and the
// replay store's throughput in memory (and on Redis when redis-server is installed).
// Run: node --conditions=@tokenguard/source --import tsx bench/src/dpop-bench.ts [--full]
import { spawn, spawnSync } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:net'
import { createMemoryStore, type Middleware, type Store } from '@tokenguard/core'
import { dpop } from '@tokenguard/dpop'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import { createDpopClient, createTestIssuer } from '@tokenguard/test-tokens'
import { Bench } from 'tinybench'
import { jwksFetch, JWKS_URI } from './tokens.js'

const full = process.argv.includes('--full')
const PROOFS = full ? 20_000 : 4_000
const ORIGIN = 'https://api.test'
const URL_PATH = '/api/pets'

function fakeRequest(headers: Record<string, string>): IncomingMessage {
  const rawHeaders = Object.entries(headers).flat()
  return { method: 'GET', url: URL_PATH, headers, rawHeaders } as unknown as IncomingMessage
}
const fakeResponse = { headersSent: false, setHeader: () => undefined } as unknown as ServerResponse

function run(middleware: Middleware, req: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    middleware(req, fakeResponse, (error?: unknown) =>
      error === undefined
        ? resolve()
        : reject(error instanceof Error ? error : new Error('refused')),
    )
  })
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      )
    })
  })
}

async function redisStore(): Promise<
  { store: Store<true>; stop: () => Promise<void> } | undefined
> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined
  const { createRedisStore } = (await import('@tokenguard/store-redis')) as unknown as {
    createRedisStore: (options: { client: unknown; namespace: string }) => Store<true>
  }
  const { createClient } = (await import('redis')) as unknown as {
    createClient: (options: { url: string }) => {
      connect(): Promise<unknown>
      quit(): Promise<unknown>
    }
  }
  const port = await freePort()
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  await new Promise((resolve) => setTimeout(resolve, 300))
  const client = createClient({ url: `redis://127.0.0.1:${port}` })
  await client.connect()
  return {
    store: createRedisStore({ client, namespace: 'bench' }),
    stop: async () => {
      await client.quit()
      server.kill()
    },
  }
}

const issuer = await createTestIssuer({ algorithms: ['ES256'] })
const client = await createDpopClient({ alg: 'ES256' })
const verifier = createJwtVerifier({
  issuer: issuer.issuer,
  audience: issuer.audience,
  jwksUri: JWKS_URI,
  fetch: jwksFetch(issuer.jwks()),
})
await verifier.hydrate()
const bearerToken = await issuer.sign({ scope: 'pets:read' }, { expiresInSec: 3_600 })
const boundToken = await issuer.sign(
  { scope: 'pets:read', cnf: { jkt: client.jkt } },
  { expiresInSec: 3_600 },
)
const proofs: string[] = []
for (let i = 0; i < PROOFS; i++) {
  proofs.push(
    await client.proof({ method: 'GET', url: `${ORIGIN}${URL_PATH}`, accessToken: boundToken }),
  )
}
const redis = await redisStore()
const stores: [string, Store<true>][] = [
  ['memory', createMemoryStore<true>({ maxEntries: 1_000_000 })],
]
if (redis !== undefined) stores.push(['redis', redis.store])

const bearer = jwtBearer({ verifier })
const bearerReq = fakeRequest({ authorization: `Bearer ${bearerToken}` })
const bench = new Bench({ time: full ? 3_000 : 1_000, warmupTime: 200, throws: true })
bench.add('Bearer, cached token', () => run(bearer, bearerReq))
let cursor = 0
for (const [name, replayStore] of stores) {
  const middleware = jwtBearer({
    verifier,
    // One key signs every proof here: lift its quota, this measures the cost of a proof.
    dpop: dpop({ publicOrigin: ORIGIN, replayStore, maxAgeSec: 3_600, maxProofsPerKey: 1e9 }),
  })
  bench.add(`DPoP, cached token + fresh proof (${name} replay store)`, () => {
    const proof = proofs[cursor++ % proofs.length]!
    // Past the pool the proofs repeat: those answer 401 (replay) and are not counted.
    return run(middleware, fakeRequest({ authorization: `DPoP ${boundToken}`, dpop: proof })).catch(
      () => undefined,
    )
  })
}
for (const [name, store] of stores) {
  let n = 0
  bench.add(`replay store setIfAbsent (${name})`, () => store.setIfAbsent!(`k${n++}`, true, 60_000))
}
await bench.run()
const base = bench.tasks[0]?.result?.throughput.mean ?? Number.NaN
console.log(`| task | ops/s | × Bearer |\n| --- | --- | --- |`)
for (const task of bench.tasks) {
  const ops = task.result?.throughput.mean ?? Number.NaN
  console.log(
    `| ${task.name} | ${Math.round(ops).toLocaleString('en-US')} | ${(ops / base).toFixed(3)} |`,
  )
}
console.log(
  `\nproof pool: ${PROOFS}; a DPoP request past the pool is a replay (refused) and runs the same checks.`,
)
await redis?.stop()
