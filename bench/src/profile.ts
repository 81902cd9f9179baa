// Runs one in-process task in a loop for a while, to be profiled:
// node --conditions=@tokenguard/source --import tsx --cpu-prof src/profile.ts RS256 unique 10
// Tasks: ceiling, floor, unique, hot, bad, mw:<implementation> (mw:tokenguard, mw:jose, ...),
// mw-bad:tokenguard, mw-hot:next, mw-hot:tokenguard, mw-hot:introspection-<implementation>.
import { mintTokens, startBenchIssuer } from './bench-issuer.js'
import { buildTasks } from './in-process-tasks.js'
import { QUICK } from './settings.js'
import { BENCH_ALGORITHMS, type BenchAlgorithm } from './tokens.js'

const [alg, kind, seconds = '10'] = process.argv.slice(2)
if (!BENCH_ALGORITHMS.includes(alg as BenchAlgorithm) || kind === undefined) {
  throw new Error(
    `usage: src/profile.ts <${BENCH_ALGORITHMS.join('|')}> <ceiling|floor|unique|hot|bad|mw:<implementation>|mw-hot:...> [seconds]`,
  )
}
const algorithms = [alg as BenchAlgorithm]
const bench = await startBenchIssuer(algorithms)
const { pools, opaque } = await mintTokens(bench, algorithms, QUICK.poolSize, 1)
const tasks = await buildTasks(bench.config, bench.issuer.jwks(), pools, opaque.hot)
const task = tasks.find((candidate) => candidate.kind === kind)
if (task === undefined) {
  throw new Error(`bench: no task "${kind}"; use one of ${tasks.map((t) => t.kind).join(', ')}`)
}
const cpuBefore = process.cpuUsage()
const until = performance.now() + Math.min(Number(seconds), 120) * 1000
let operations = 0
while (performance.now() < until) {
  for (let i = 0; i < 100; i++) await task.fn()
  operations += 100 * task.batch
}
const { user, system } = process.cpuUsage(cpuBefore)
console.log(`${alg} ${kind}: ${Math.round(operations / ((user + system) / 1e6))} ops per CPU-s`)
await bench.running.close()
