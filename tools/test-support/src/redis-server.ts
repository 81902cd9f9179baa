import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A real `redis-server` on 127.0.0.1 that a test run started, with nothing saved to disk. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string
  readonly port: number
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>
}

const HINT =
  'The tests need a real redis-server on PATH: run `node scripts/ensure-test-tools.mjs` ' +
  '(it installs Debian’s redis-server with apt-get when missing), or install Redis yourself.'

const STARTUP_MS = 10_000
const live = new Set<ChildProcess>()
let exitHookInstalled = false

/**
 * Starts a `redis-server` on 127.0.0.1, on `port` or else a free port, with persistence off
 * (`--save "" --appendonly no`) and protected mode on, and resolves once it answers PING.
 * Rejects, with the server's own output, when it cannot start: a test run needs Redis and
 * never skips for want of it.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  let lastError: unknown
  // A free port can be taken between the probe and the server's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options.port ?? (await freePort()))
    } catch (error) {
      lastError = error
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') break
    }
  }
  throw lastError
}

async function startOnce(port: number): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tokenguard-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes']
  args.push('--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no')
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout
    .setEncoding('utf8')
    .on('data', (chunk: string) => (output = (output + chunk).slice(-4000)))
  child.stderr
    .setEncoding('utf8')
    .on('data', (chunk: string) => (output = (output + chunk).slice(-4000)))
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  track(child)
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'ENOENT' ? `redis-server was not found. ${HINT}` : error.message
      reject(Object.assign(new Error(message, { cause: error }), { code: error.code }))
    })
  })
  spawnError.catch(() => undefined)

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    live.delete(child)
    await rm(dir, { recursive: true, force: true })
  }

  try {
    await Promise.race([spawnError, waitForPong(port, exited, () => output)])
  } catch (error) {
    await stop()
    throw error
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop }
}

async function waitForPong(
  port: number,
  exited: Promise<void>,
  output: () => string,
): Promise<void> {
  let gone = false
  void exited.then(() => (gone = true))
  const deadline = Date.now() + STARTUP_MS
  while (Date.now() < deadline) {
    if (gone) throw new Error(`redis-server exited at start-up:\n${output()}\n${HINT}`)
    if (await ping(port)) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`redis-server did not answer PING within ${STARTUP_MS} ms:\n${output()}`)
}

/** Sends one inline PING; true on `+PONG`. */
export function ping(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let answer = ''
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk: string) => {
      answer += chunk
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'))
    })
    socket.on('error', () => done(false))
  })
}

/** A TCP port on 127.0.0.1 that was free a moment ago (listened on with port 0, then closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

// A test process that dies without its teardown must not leave servers behind.
function track(child: ChildProcess): void {
  live.add(child)
  child.once('close', () => live.delete(child))
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const server of live) server.kill('SIGKILL')
  })
}
