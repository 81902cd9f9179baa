import {
  deviceLogin,
  discoverAuthorizationServer,
  refreshStoredTokens,
  revokeStoredToken,
} from '@tokenguard/client'
import { OAuthError } from '@tokenguard/core'
import type { Pet } from '../pets.js'
import { CLIENT_IDS } from '../system.js'
import { credentialsPath, forgetLogin, readLogin, saveLogin } from './credentials-file.js'

/** Where the CLI writes: its output, and its messages. */
export interface CliOutput {
  out(line: string): void
  err(line: string): void
}

const USAGE =
  'usage: pnpm petstore <login|pets|logout>   (PETSTORE_API: the API, default http://127.0.0.1:3000)'

/**
 * The PetStore CLI: `login` (the device flow: prints where to go and the code, waits, keeps
 * the refresh token in a 0600 file under the user's config folder), `pets` (trades it for an
 * access token and lists the pets), `logout` (revokes it and deletes the file). It finds the
 * authorization server in the API's protected resource metadata (RFC 9728). Answers the exit
 * status.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), process.env, console-like output)
 */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  output: CliOutput,
  signal?: AbortSignal,
): Promise<number> {
  const command = args[0]
  const api = (env.PETSTORE_API ?? '').trim() || 'http://127.0.0.1:3000'
  const path = credentialsPath(env)
  try {
    if (command === 'login') {
      const issuer = await issuerOf(api)
      const server = await discoverAuthorizationServer({ issuer, clientId: CLIENT_IDS.cli })
      const tokens = await deviceLogin({
        server,
        scope: 'openid offline_access pets:read',
        ...(signal === undefined ? {} : { signal }),
        onPrompt: ({ verificationUri, verificationUriComplete, userCode, expiresInSec }) => {
          output.out(`Open ${verificationUriComplete ?? verificationUri}`)
          output.out(
            `and confirm the code ${userCode} (valid ${Math.round(expiresInSec / 60)} minutes).`,
          )
          output.out('Waiting for you to approve…')
        },
      })
      if (tokens.refreshToken === undefined)
        throw new Error('the authorization server gave no refresh token')
      await saveLogin(path, { issuer, refreshToken: tokens.refreshToken })
      output.out(`Logged in. Your login is kept in ${path} (readable by you only).`)
      return 0
    }
    if (command === 'pets') {
      const saved = await readLogin(path)
      if (saved === undefined) {
        output.err('Not logged in: run `pnpm petstore login` first.')
        return 1
      }
      const server = await discoverAuthorizationServer({
        issuer: saved.issuer,
        clientId: CLIENT_IDS.cli,
      })
      const tokens = await refreshStoredTokens(server, saved.refreshToken)
      await saveLogin(path, {
        issuer: saved.issuer,
        refreshToken: tokens.refreshToken ?? saved.refreshToken,
      })
      const answer = await fetch(`${api}/api/pets`, {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
        signal: AbortSignal.timeout(10_000),
      })
      if (!answer.ok) throw new Error(`the PetStore API answered ${answer.status}`)
      const { pets } = (await answer.json()) as { pets: Pet[] }
      for (const pet of pets)
        output.out(`${String(pet.id).padStart(3)}  ${pet.name.padEnd(16)} ${pet.status}`)
      return 0
    }
    if (command === 'logout') {
      const saved = await readLogin(path)
      if (saved !== undefined) {
        const server = await discoverAuthorizationServer({
          issuer: saved.issuer,
          clientId: CLIENT_IDS.cli,
        })
        await revokeStoredToken(server, saved.refreshToken).catch(() => undefined)
      }
      await forgetLogin(path)
      output.out('Logged out.')
      return 0
    }
    output.err(USAGE)
    return 2
  } catch (error) {
    if (error instanceof OAuthError && error.reason === 'session_ended') {
      await forgetLogin(path)
      output.err('Your saved login is no longer valid: run `pnpm petstore login` again.')
      return 1
    }
    output.err(`petstore: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}

/** The authorization server of the API, from its protected resource metadata. */
async function issuerOf(api: string): Promise<string> {
  const answer = await fetch(`${api}/.well-known/oauth-protected-resource`, {
    signal: AbortSignal.timeout(10_000),
  }).catch(() => undefined)
  if (answer === undefined)
    throw new Error(`the PetStore API at ${api} is not answering: is \`pnpm start\` running?`)
  const metadata = (await answer.json().catch(() => ({}))) as { authorization_servers?: unknown }
  const servers: unknown[] = Array.isArray(metadata.authorization_servers)
    ? (metadata.authorization_servers as unknown[])
    : []
  const issuer = servers[0]
  if (typeof issuer !== 'string') throw new Error(`the API at ${api} names no authorization server`)
  return issuer
}
