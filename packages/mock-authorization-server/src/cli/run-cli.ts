import { DEFAULT_TEST_CLIENT } from '@tokenguard/test-tokens'
import { decodeJwt } from 'jose'
import type { AuthorizationServerClient } from '../clients/authorization-server-client.js'
import { createMockAuthorizationServer } from '../mock-authorization-server.js'
import type { MockAuthorizationServer } from '../mock-authorization-server.js'
import type { RunningAuthorizationServer } from '../running-authorization-server.js'
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

const NAME = 'tokenguard-mock-authorization-server'
const USAGE = `usage: ${NAME} [--config server.json]

Starts the tokenguard mock authorization server and its test issuer on 127.0.0.1 until
SIGINT or SIGTERM. The config file is JSON: port (default 0), clients, algorithms, audience,
defaultExpiresInSec (as in createTestIssuer), autoApprove, subject, users, codeExpiresInSec,
refreshTokenExpiresInSec, deviceCodeExpiresInSec and devicePollIntervalSec (as in
createMockAuthorizationServer).
`

/**
 * Runs `tokenguard-mock-authorization-server`: reads the config, starts the server, prints
 * its URLs and a sample access token (for the first client with a `scope`, carrying that
 * scope), and resolves to the exit code once a signal stopped it (0), or at once on a
 * mistake (1, or 2 for bad arguments).
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
  let running: RunningAuthorizationServer
  try {
    const config = parseCliConfig(
      args.config === undefined ? '{}' : await readConfig(io, args.config),
    )
    const server = await createMockAuthorizationServer(config.serverOptions)
    running = await server.listen({ port: config.port })
    io.stdout.write(await summary(server, running, config))
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
  { issuer }: MockAuthorizationServer,
  running: RunningAuthorizationServer,
  { serverOptions }: CliConfig,
): Promise<string> {
  const clients: readonly AuthorizationServerClient[] = serverOptions.clients ?? [
    DEFAULT_TEST_CLIENT,
  ]
  // The sample is a token of the first client that names its scopes, so it carries them.
  const sample = clients.find((client) => client.scope !== undefined) ?? clients[0]
  const sub = serverOptions.subject ?? 'user-123'
  const scope = sample?.scope
  const token = await issuer.sign({ sub, client_id: sample?.client_id, scope })
  const { exp = 0, iat = 0 } = decodeJwt(token)
  const approval = serverOptions.autoApprove === true ? `on, as ${sub}` : 'off (login page)'
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
    ['clients', clients.map((client) => client.client_id).join(', ')],
    ['auto-approve', approval],
  ]
  const about = [
    `sub ${sub}`,
    `client_id ${sample?.client_id ?? 'none'}`,
    scope === undefined ? 'no scope' : `scope ${scope}`,
    `${exp - iat} s`,
  ]
  return (
    `${NAME} listening on ${running.url}\n` +
    rows.map(([name, value]) => `  ${name.padEnd(22)}${value}\n`).join('') +
    `sample access token (${about.join(', ')}):\n` +
    `${token}\n` +
    'Stop with Ctrl+C.\n'
  )
}
