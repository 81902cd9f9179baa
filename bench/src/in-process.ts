// The in-process layer, run by src/run.ts in a child pinned to one core: every task of
// in-process-tasks.ts, interleaved over several repetitions, medians taken by the runner.
import { Bench } from 'tinybench'
import { childChannel } from './child.js'
import { buildTasks } from './in-process-tasks.js'
import type { InProcessResultMessage, InProcessRow, StartMessage } from './protocol.js'
import { rotate } from './report.js'

/** CPU time of this process (all its threads, user and system), in ms. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

async function runInProcess({
  settings,
  config,
  jwks,
  pools,
  opaqueHot,
}: StartMessage): Promise<InProcessRow[]> {
  const tasks = await buildTasks(config, jwks, pools, opaqueHot)
  const samples = new Map<string, number[]>(tasks.map((task) => [task.id, []]))
  for (let rep = 0; rep < settings.repetitions; rep++) {
    const bench = new Bench({
      now: settings.clock === 'cpu' ? cpuNow : () => performance.now(),
      time: settings.timeMs,
      warmupTime: settings.warmupMs,
      iterations: 16,
      throws: true,
    })
    // A different task goes first in each repetition, so drift and warm-up are shared out.
    for (const task of rotate(tasks, rep * 7)) bench.add(task.id, task.fn)
    await bench.run()
    for (const task of tasks) {
      const latencyMs = bench.getTask(task.id)?.result?.latency.mean ?? Number.NaN
      samples.get(task.id)!.push((task.batch * 1000) / latencyMs)
    }
  }
  return tasks.map((task) => ({ alg: task.alg, kind: task.kind, opsPerSec: samples.get(task.id)! }))
}

const channel = childChannel(30 * 60_000)
channel.on<StartMessage>('start', async (start) => {
  const rows = await runInProcess(start)
  channel.send({ type: 'result', rows } satisfies InProcessResultMessage)
})
