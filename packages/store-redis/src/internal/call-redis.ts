import { PACKAGE } from './package-name.js'

/**
 * Runs one Redis command, bounded by `timeoutMs`: resolves with its reply, or rejects with
 * an `Error` that names the command and never a key or a value (the client's own error, if
 * any, is the `cause`). A command that times out may still reach Redis later; its late
 * answer is ignored.
 */
export function callRedis<T>(
  command: string,
  timeoutMs: number,
  call: () => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${PACKAGE}: Redis did not answer ${command} within ${timeoutMs} ms`))
    }, timeoutMs)
    // A pending timer must not keep a process alive that has nothing else to do.
    timer.unref()
    // Through then(), so a client that throws instead of rejecting is handled alike.
    Promise.resolve()
      .then(call)
      .then(
        (reply) => {
          clearTimeout(timer)
          resolve(reply)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(new Error(`${PACKAGE}: Redis ${command} failed`, { cause: error }))
        },
      )
  })
}
