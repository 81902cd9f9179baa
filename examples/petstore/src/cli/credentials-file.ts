import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** What the CLI keeps between runs: the issuer and the refresh token. */
export interface SavedLogin {
  readonly issuer: string
  readonly refreshToken: string
}

/**
 * Where the CLI keeps its login: `PETSTORE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/petstore`, else
 * `~/.config/petstore`; the file is `credentials.json`.
 */
export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const dir =
    nonEmpty(env.PETSTORE_CONFIG_DIR) ??
    join(nonEmpty(env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'), 'petstore')
  return join(dir, 'credentials.json')
}

/**
 * Saves the login in a file only the user can read or write (mode 0600, in a 0700 folder),
 * written whole under another name first and then renamed, so a crash never leaves half a file.
 */
export async function saveLogin(path: string, login: SavedLogin): Promise<void> {
  const dir = join(path, '..')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(login)}\n`, { mode: 0o600, flag: 'w' })
  await chmod(temporary, 0o600)
  await rename(temporary, path)
}

/** The saved login, or `undefined` when there is none (or the file is not one of ours). */
export async function readLogin(path: string): Promise<SavedLogin | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined)
  if (text === undefined || text.length > 64 * 1024) return undefined
  try {
    const value = JSON.parse(text) as Partial<SavedLogin>
    return typeof value.issuer === 'string' && typeof value.refreshToken === 'string'
      ? { issuer: value.issuer, refreshToken: value.refreshToken }
      : undefined
  } catch {
    return undefined
  }
}

/** Deletes the saved login. */
export async function forgetLogin(path: string): Promise<void> {
  await rm(path, { force: true })
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}
