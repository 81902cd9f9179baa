// Runs one in-process task in a loop for a while, to be profiled:
// node --conditions=development --import tsx --cpu-prof src/profile.ts RS256 unique 10
import { buildTasks } from './in-process-tasks.js'
import { IN_PROCESS_KINDS, type InProcessKind } from './protocol.js'
import { BENCH_ALGORITHMS, type BenchAlgorithm } from './tokens.js'

const [alg, kind, seconds = '10'] = process.argv.slice(2)
if (
  !BENCH_ALGORITHMS.includes(alg as BenchAlgorithm) ||
  !IN_PROCESS_KINDS.includes(kind as InProcessKind)
) {
  throw new Error(
    `usage: src/profile.ts <${BENCH_ALGORITHMS.join('|')}> <${IN_PROCESS_KINDS.join('|')}> [seconds]`,
  )
}
const [task] = (await buildTasks(200, [alg as BenchAlgorithm])).filter(
  (candidate) => candidate.kind === kind,
)
const cpuBefore = process.cpuUsage()
const until = performance.now() + Math.min(Number(seconds), 120) * 1000
let operations = 0
while (performance.now() < until) {
  for (let i = 0; i < 100; i++) await task!.fn()
  operations += 100 * task!.batch
}
const { user, system } = process.cpuUsage(cpuBefore)
console.log(`${alg} ${kind}: ${Math.round(operations / ((user + system) / 1e6))} ops per CPU-s`)
