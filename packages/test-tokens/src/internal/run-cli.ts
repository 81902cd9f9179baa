import { decodeJwt } from 'jose'
import type { RunningIssuer } from '../running-issuer.js'
import { DEFAULT_TEST_CLIENT } from '../test-client.js'
import { createTestIssuer } from '../test-issuer.js'
import type { TestIssuer } from '../test-issuer.js'
import { parseCliConfig } from './cli-config.js'
import type { CliConfig } from './cli-config.js'

/** Where the command line reads and writes, so tests can run it in-process. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
  /** Stops the server on the first of these signals, as `process.once` does. */
  readonly signals: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown }
  readFile(path: string): Promise<string>
}

const NAME = 'tokenguard-test-issuer'
const USAGE = `usage: ${NAME} [--config issuer.json]

Starts the tokenguard test issuer on 127.0.0.1 until SIGINT or SIGTERM. The config file is
JSON: port (default 0), algorithms, audience, defaultExpiresInSec, clients, autoApprove,
subject, users, codeExpiresInSec, refreshTokenExpiresInSec, deviceCodeExpiresInSec and
devicePollIntervalSec, as in createTestIssuer.
`

/**
 * Runs `tokenguard-test-issuer`: reads the config, starts the issuer, prints its URLs and a
 * sample access token, and resolves to the exit code once a signal stopped it (0), or at
 * once on a mistake (1, or 2 for bad arguments).
 *
 * @example
 * const io = { stdout, stderr, signals: process, readFile: (path) => readFile(path, 'utf8') }
 * process.exitCode = await runCli(process.argv.slice(2), io)
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv)
  if (args.kind === 'help') {
    io.stdout.write(USAGE)
    return 0
  }
  if (args.kind === 'mistake') {
    io.stderr.write(`${NAME}: ${args.message}\n${USAGE}`)
    return 2
  }
  let running: RunningIssuer
  try {
    const config = parseCliConfig(
      args.config === undefined ? '{}' : await readConfig(io, args.config),
    )
    const issuer = await createTestIssuer(config.issuerOptions)
    running = await issuer.listen({ port: config.port })
    io.stdout.write(await summary(issuer, running, config))
  } catch (error) {
    io.stderr.write(`${NAME}: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
  await new Promise<void>((resolve) => {
    io.signals.once('SIGINT', resolve)
    io.signals.once('SIGTERM', resolve)
  })
  await running.close()
  io.stdout.write('stopped\n')
  return 0
}

type Args =
  | { readonly kind: 'run'; readonly config: string | undefined }
  | { readonly kind: 'help' }
  | { readonly kind: 'mistake'; readonly message: string }

function parseArgs(argv: readonly string[]): Args {
  let config: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--help' || arg === '-h') return { kind: 'help' }
    if (arg === '--config' || arg === '-c') {
      config = argv[++i]
      if (config === undefined || config === '') {
        return { kind: 'mistake', message: '--config needs a file path' }
      }
    } else if (arg.startsWith('--config=')) {
      config = arg.slice('--config='.length)
    } else {
      return { kind: 'mistake', message: `unknown argument "${arg}"` }
    }
  }
  return { kind: 'run', config }
}

async function readConfig(io: CliIo, path: string): Promise<string> {
  try {
    return await io.readFile(path)
  } catch {
    throw new Error(`cannot read the config file ${path}`)
  }
}

async function summary(
  issuer: TestIssuer,
  running: RunningIssuer,
  { issuerOptions }: CliConfig,
): Promise<string> {
  const clients = (issuerOptions.clients ?? [DEFAULT_TEST_CLIENT]).map((client) => client.client_id)
  const sub = issuerOptions.subject ?? 'user-123'
  const token = await issuer.sign({ sub, client_id: clients[0] })
  const { exp = 0, iat = 0 } = decodeJwt(token)
  const approval = issuerOptions.autoApprove === true ? `on, as ${sub}` : 'off (login page)'
  const rows: [string, string][] = [
    ['issuer (iss)', running.url],
    ['audience (aud)', issuer.audience],
    ['discovery', running.discoveryUrl],
    ['authorization', running.authorizationEndpoint],
    ['token', running.tokenEndpoint],
    ['device authorization', running.deviceAuthorizationEndpoint],
    ['device verification', running.deviceVerificationUri],
    ['userinfo', running.userinfoEndpoint],
    ['jwks', running.jwksUri],
    ['introspection', running.introspectionEndpoint],
    ['revocation', running.revocationEndpoint],
    ['clients', clients.join(', ')],
    ['auto-approve', approval],
  ]
  return (
    `${NAME} listening on ${running.url}\n` +
    rows.map(([name, value]) => `  ${name.padEnd(22)}${value}\n`).join('') +
    `sample access token (sub ${sub}, client_id ${String(clients[0])}, ${exp - iat} s):\n` +
    `${token}\n` +
    'Stop with Ctrl+C.\n'
  )
}
