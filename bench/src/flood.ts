// Flood: a million random and structurally valid garbage tokens against the PetStore example.
// Not a timed benchmark: it checks that hostile input never hurts at scale.
//
//   cd bench && node --conditions=@tokenguard/source --import tsx src/flood.ts [--count N]
//     [--concurrency C] [--seed S]
//
// The server (PetStore with JWTs and introspected opaque tokens, and a local test issuer)
// runs in a child process; this process sends the requests over loopback with keep-alive and
// bounded concurrency, and runs a canary HTTP server whose URL the tokens name in `jku`, `x5u`,
// `iss` and claims. It prints the status histogram, the server's RSS before, at most and after,
// the JWKS fetch count and the canary hits, and exits 1 when a check fails:
//   - no 5xx and no failed request;
//   - the valid control token, sent every 1000th request, always gets 200;
//   - RSS after the flood (after a GC) within 48 MiB of RSS once warm (at 20% of the run, after
//     a GC), and never more than 256 MiB above RSS before the flood;
//   - JWKS fetches at most one per 30 s cooldown (plus the warm-up);
//   - zero requests to the canary.
// Default N is 1,000,000: about 20-30 minutes on a 2-core machine, where the server process
// (Express, the suite, and the local issuer answering a third of the tokens by introspection)
// saturates one core at 600-800 requests a second. --count 50000 takes about 70 seconds.
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { FloodReady, FloodRequest, FloodStats } from './flood-protocol.js'

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url))
const MIB = 1024 * 1024
const CONTROL_EVERY = 1_000
const WARM_UP_REQUESTS = 2_000
const JWKS_COOLDOWN_MS = 30_000
// Caches fill and code warms up in the first part of a run; after that RSS must stay flat.
const WARM_FRACTION = 0.2
const RSS_GROWTH_LIMIT = 48 * MIB
const RSS_PEAK_LIMIT = 256 * MIB

interface Options {
  readonly count: number
  readonly concurrency: number
  readonly seed: number
}

function parseOptions(argv: readonly string[]): Options {
  const options = { count: 1_000_000, concurrency: 64, seed: 20_251_122 }
  for (const arg of argv) {
    const match = /^--(count|concurrency|seed)=?(\d+)?$/.exec(arg)
    const value = match?.[2] ?? argv[argv.indexOf(arg) + 1]
    if (match === null) {
      if (/^\d+$/.test(arg)) continue
      throw new Error(`flood: unknown argument ${arg}; use --count N --concurrency C --seed S`)
    }
    const number = Number(value)
    if (!Number.isSafeInteger(number) || number < 1) throw new Error(`flood: bad value for ${arg}`)
    options[match[1] as keyof Options] = number
  }
  return options
}

/** mulberry32: a small seeded PRNG, so a run can be repeated exactly. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64TOKEN = `${B64URL}.~+/`
const PRINTABLE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('')
const ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA', 'HS256', 'none', 'ES384', 'RS512']

/** The token kinds of the flood, with their weights. */
type Kind =
  | 'junk'
  | 'bad-syntax'
  | 'triplet'
  | 'jwt-random-kid'
  | 'jwt-known-kid'
  | 'jwt-canary'
  | 'jwt-bad-json'

const KINDS: readonly [Kind, number][] = [
  ['junk', 15],
  ['bad-syntax', 5],
  ['triplet', 15],
  ['jwt-random-kid', 25],
  ['jwt-known-kid', 15],
  ['jwt-canary', 20],
  ['jwt-bad-json', 5],
]

function tokenMaker(ready: FloodReady, canary: string, random: () => number) {
  const int = (max: number) => Math.floor(random() * max)
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!
  const text = (alphabet: string, min: number, max: number) => {
    let out = ''
    const length = min + int(max - min + 1)
    for (let i = 0; i < length; i++) out += alphabet[int(alphabet.length)]
    return out
  }
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const signature = () => randomBytes(pick([0, 32, 64, 96, 256, 512])).toString('base64url')
  const now = () => Math.floor(Date.now() / 1000)
  const claims = (iss: string) => ({
    iss,
    aud: ready.audience,
    sub: text(B64URL, 1, 12),
    scope: 'pets:read',
    exp: now() + 300,
    iat: now(),
    jti: text(B64URL, 8, 16),
  })
  const totalWeight = KINDS.reduce((sum, [, weight]) => sum + weight, 0)
  const kindOf = (): Kind => {
    let roll = random() * totalWeight
    for (const [kind, weight] of KINDS) {
      roll -= weight
      if (roll < 0) return kind
    }
    return 'junk'
  }
  return (): { kind: Kind; token: string } => {
    const kind = kindOf()
    switch (kind) {
      case 'junk':
        return { kind, token: text(B64TOKEN, 1, 300) }
      case 'bad-syntax':
        return { kind, token: text(PRINTABLE, 1, 120) }
      case 'triplet':
        return {
          kind,
          token: [text(B64URL, 0, 120), text(B64URL, 0, 300), text(B64URL, 0, 120)].join('.'),
        }
      case 'jwt-random-kid': {
        const header = { alg: pick(ALGS), typ: 'at+jwt', kid: text(B64URL, 1, 40) }
        return { kind, token: `${b64(header)}.${b64(claims(ready.issuer))}.${signature()}` }
      }
      case 'jwt-known-kid': {
        const header = { alg: pick(['ES256', 'RS256']), typ: 'at+jwt', kid: pick(ready.kids) }
        return { kind, token: `${b64(header)}.${b64(claims(ready.issuer))}.${signature()}` }
      }
      case 'jwt-canary': {
        const url = `${canary}/${text(B64URL, 1, 12)}`
        const header: Record<string, unknown> = { alg: pick(ALGS), typ: 'at+jwt' }
        const where = int(5)
        if (where === 0) header.jku = url
        if (where === 1) header.x5u = url
        if (where === 2) header.kid = url
        if (where === 3) header.jku = url
        if (where !== 2) header.kid = pick([...ready.kids, text(B64URL, 1, 20)])
        const iss = where === 4 ? canary : ready.issuer
        const payload = { ...claims(iss), jwks_uri: `${url}/jwks`, introspection_endpoint: url }
        return { kind, token: `${b64(header)}.${b64(payload)}.${signature()}` }
      }
      case 'jwt-bad-json':
        return {
          kind,
          token: `ey${text(B64URL, 0, 60)}.${Buffer.from(text(PRINTABLE, 1, 80)).toString('base64url')}.${signature()}`,
        }
    }
  }
}

async function startCanary(): Promise<{ url: string; hits: () => number; close: () => void }> {
  let hits = 0
  const server = createServer((_req, res) => {
    hits++
    res.statusCode = 404
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => {
      server.closeAllConnections()
      server.close()
    },
  }
}

function startServer(): ChildProcess {
  const script = fileURLToPath(new URL('flood-server.ts', import.meta.url))
  return fork(script, [], {
    cwd: BENCH_DIR,
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

function ask<T extends { type: string }>(child: ChildProcess, type: string, send?: FloodRequest) {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T) => {
      if (message.type !== type) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(message)
    }
    const onExit = (code: number | null) => reject(new Error(`flood: the server exited (${code})`))
    child.on('message', onMessage)
    child.once('exit', onExit)
    if (send !== undefined) child.send(send)
  })
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const canary = await startCanary()
  const child = startServer()
  const ready = await ask<FloodReady>(child, 'ready')
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency })
  const send = (token: string) =>
    new Promise<number>((resolve) => {
      const req = request(
        `${ready.url}/api/pets`,
        { agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
      req.on('error', () => resolve(-1))
      req.end()
    })

  // Warm-up: the verifier discovers the issuer and fetches its JWKS once, and every code path
  // (JWT refusals, introspection, the 400s) runs a few hundred times before anything counts,
  // so that module loading and JIT compilation of the development build are not measured.
  if ((await send(ready.validToken)) !== 200) throw new Error('flood: the control token failed')
  const next = tokenMaker(ready, canary.url, prng(options.seed))
  const warmUp = Array.from({ length: WARM_UP_REQUESTS }, () => next().token)
  for (let start = 0; start < warmUp.length; start += options.concurrency) {
    await Promise.all(warmUp.slice(start, start + options.concurrency).map((token) => send(token)))
  }
  const before = await ask<FloodStats>(child, 'stats', { type: 'gc' })
  child.send({ type: 'reset' } satisfies FloodRequest)

  const statuses = new Map<string, number>()
  const byKind = new Map<string, Map<number, number>>()
  let controlFailures = 0
  // The first few tokens answered 5xx, printed so the failure can be reproduced.
  const failures: string[] = []
  let peakRss = before.rssBytes
  let warm: Promise<FloodStats> | undefined
  let done = 0
  let issued = 0
  const started = Date.now()
  const clientCpuStart = process.cpuUsage()
  const sampler = setInterval(() => {
    void ask<FloodStats>(child, 'stats', { type: 'stats' }).then((stats) => {
      peakRss = Math.max(peakRss, stats.rssBytes)
      const rate = Math.round(done / ((Date.now() - started) / 1000))
      process.stdout.write(
        `  ${done.toLocaleString('en')}/${options.count.toLocaleString('en')} requests, ${rate}/s, RSS ${(stats.rssBytes / MIB).toFixed(0)} MiB, JWKS fetches ${stats.jwksFetches}\n`,
      )
    })
  }, 5_000)

  async function worker(): Promise<void> {
    while (issued < options.count) {
      const index = issued++
      const control = index % CONTROL_EVERY === CONTROL_EVERY - 1
      const { kind, token } = control ? { kind: 'control', token: ready.validToken } : next()
      const status = await send(token)
      done++
      if (warm === undefined && done >= options.count * WARM_FRACTION) {
        warm = ask<FloodStats>(child, 'stats', { type: 'gc' })
      }
      const key = status === -1 ? 'failed' : String(status)
      statuses.set(key, (statuses.get(key) ?? 0) + 1)
      const kindStatuses = byKind.get(kind) ?? new Map<number, number>()
      kindStatuses.set(status, (kindStatuses.get(status) ?? 0) + 1)
      byKind.set(kind, kindStatuses)
      if (control && status !== 200) controlFailures++
      if ((status >= 500 || status === -1) && failures.length < 5)
        failures.push(
          `${status} at ${((Date.now() - started) / 1000).toFixed(1)} s, ${kind}: ${token}`,
        )
    }
  }
  console.log(
    `flood: ${options.count.toLocaleString('en')} requests, concurrency ${options.concurrency}, seed ${options.seed}, against ${ready.url}`,
  )
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()))
  clearInterval(sampler)
  const seconds = (Date.now() - started) / 1000
  await new Promise((resolve) => setTimeout(resolve, 200))
  const after = await ask<FloodStats>(child, 'stats', { type: 'gc' })
  const warmRss = (await warm)?.rssBytes ?? before.rssBytes
  peakRss = Math.max(peakRss, after.rssBytes)
  agent.destroy()

  const fiveHundreds = [...statuses].filter(([status]) => status.startsWith('5'))
  const jwksBound = 1 + Math.ceil((seconds * 1000) / JWKS_COOLDOWN_MS)
  const jwksDuringFlood = after.jwksFetches - before.jwksFetches
  const checks: [string, boolean][] = [
    ['no 5xx', fiveHundreds.length === 0 && after.serverErrors === 0],
    ['no failed request', !statuses.has('failed')],
    ['every control token accepted', controlFailures === 0],
    [
      `RSS after within ${RSS_GROWTH_LIMIT / MIB} MiB of RSS at ${WARM_FRACTION * 100}% of the run`,
      after.rssBytes - warmRss <= RSS_GROWTH_LIMIT,
    ],
    ['RSS peak within 256 MiB of before', peakRss - before.rssBytes <= RSS_PEAK_LIMIT],
    [`JWKS fetches during the flood <= ${jwksBound}`, jwksDuringFlood <= jwksBound],
    ['zero canary hits', canary.hits() === 0],
  ]

  const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`
  console.log(
    `\nflood: ${done.toLocaleString('en')} requests in ${seconds.toFixed(1)} s (${Math.round(done / seconds)}/s)`,
  )
  const clientCpu = process.cpuUsage(clientCpuStart)
  console.log(
    `CPU: server ${((after.cpuMs - before.cpuMs) / 1000).toFixed(1)} s, client ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} s`,
  )
  console.log('statuses:', Object.fromEntries([...statuses].sort()))
  console.log('by kind:')
  for (const [kind, counts] of [...byKind].sort()) {
    console.log(`  ${kind.padEnd(15)} ${JSON.stringify(Object.fromEntries([...counts].sort()))}`)
  }
  console.log(
    `server RSS: before ${mib(before.rssBytes)}, at ${WARM_FRACTION * 100}% ${mib(warmRss)}, peak ${mib(peakRss)}, after ${mib(after.rssBytes)} (heap ${mib(before.heapUsedBytes)} -> ${mib(after.heapUsedBytes)})`,
  )
  console.log(
    `JWKS fetches: ${after.jwksFetches} in all, ${jwksDuringFlood} during the flood; discovery fetches: ${after.discoveryFetches}; introspection calls: ${after.introspections} (slowest ${after.slowestIntrospectionMs} ms)`,
  )
  console.log(`canary hits: ${canary.hits()}`)
  for (const [message, count] of Object.entries(after.upstreamErrors)) {
    console.log(`introspection failures: ${count} x ${message}`)
  }
  for (const failure of failures) console.log(`5xx or failed: ${failure}`)
  for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`)

  child.send({ type: 'stop' } satisfies FloodRequest)
  canary.close()
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
