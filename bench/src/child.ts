import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

/** The bench package directory: children run from here so `--import tsx` resolves. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url))

const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['--version']).status === 0

/** Whether children are pinned with `taskset` (Linux with two cores or more). */
export function pinning(): boolean {
  return canPin
}

/**
 * Where a child runs: on `core` when given (and pinning is possible), else anywhere until
 * {@link pin} moves it; `nodeFlags` are extra Node flags such as `--cpu-prof` (the tsx and
 * condition flags are always passed).
 */
export interface ChildOptions {
  readonly core?: number
  readonly nodeFlags?: readonly string[]
}

/**
 * Starts `src/<file>` in a Node child with an IPC channel, on one core when `taskset`
 * exists, with the same `--conditions` and `--import` flags as this process.
 */
export function startChild(
  file: string,
  args: readonly string[],
  options: ChildOptions,
): ChildProcess {
  const script = fileURLToPath(new URL(file, import.meta.url))
  const node = [...process.execArgv, ...(options.nodeFlags ?? []), script, ...args]
  const [command, argv] =
    canPin && options.core !== undefined
      ? ['taskset', ['-c', String(options.core), process.execPath, ...node]]
      : [process.execPath, node]
  return spawn(command, argv, { cwd: BENCH_DIR, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
}

/**
 * Pins a running child (every thread of it) to `core` when `taskset` exists: children that
 * start at the same time load their code on every core, then go to their own.
 */
export function pin(child: ChildProcess, core: number): void {
  if (!canPin || child.pid === undefined) return
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(child.pid)])
  if (result.status !== 0) throw new Error(`bench: taskset could not pin child ${child.pid}`)
}

/** Messages between the runner and its children carry a `type`. */
export interface Message {
  readonly type: string
}

/**
 * Sends `message` (when given) and resolves with the child's next message of `type`;
 * rejects when the child exits first or `timeoutMs` passes.
 */
export function exchange<T extends Message, M extends Message = Message>(
  child: ChildProcess,
  type: T['type'],
  message: M | undefined,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      done()
      reject(new Error(`bench: no "${type}" from the child within ${timeoutMs} ms`))
    }, timeoutMs)
    const onMessage = (received: unknown): void => {
      if ((received as Message | null)?.type !== type) return
      done()
      resolve(received as T)
    }
    const onExit = (code: number | null): void => {
      done()
      reject(new Error(`bench: the child exited with code ${String(code)} before "${type}"`))
    }
    function done(): void {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
    if (message !== undefined) child.send(message)
  })
}

/** Ends a child this runner started, by its own handle, and waits for it to go. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  if (child.connected) child.disconnect()
  const force = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(force)
}

/**
 * In a child: resolves with the first message of `type` from the runner, and exits when
 * the runner goes away or after `maxLifetimeMs`, so no child outlives a run.
 */
export function childChannel(maxLifetimeMs: number): {
  send: <M extends Message>(message: M) => void
  on: <T extends Message>(type: T['type'], handler: (message: T) => void | Promise<void>) => void
} {
  if (process.send === undefined) {
    throw new Error('bench: this script is started by src/run.ts, not on its own')
  }
  process.on('disconnect', () => process.exit(0))
  setTimeout(() => {
    console.error(`bench: child stopped after its ${maxLifetimeMs} ms limit`)
    process.exit(1)
  }, maxLifetimeMs).unref()
  const send = <M extends Message>(message: M): void => {
    process.send?.(message)
  }
  return {
    send,
    on(type, handler) {
      process.on('message', (received: unknown) => {
        if ((received as Message | null)?.type !== type) return
        Promise.resolve(handler(received as Parameters<typeof handler>[0])).catch(
          (error: unknown) => {
            console.error(error)
            process.exit(1)
          },
        )
      })
    },
  }
}
