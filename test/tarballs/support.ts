import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The fixture app copied outside the workspace: ESM, CommonJS, vitest and TypeScript. */
export const APP_FIXTURE = fileURLToPath(new URL('app', import.meta.url))

/** A published package of the workspace. */
export interface WorkspacePackage {
  readonly name: string
  readonly dir: string
  readonly version: string
  readonly dependencies: Readonly<Record<string, string>>
}

/** Every package under packages/, so a new one is packed and installed from the day it lands. */
export const PACKAGES: readonly WorkspacePackage[] = readdirSync(join(ROOT, 'packages'))
  .map((dir) => join(ROOT, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string
      version: string
      dependencies?: Record<string, string>
    }
    return { name: pkg.name, dir, version: pkg.version, dependencies: pkg.dependencies ?? {} }
  })
  .sort((a, b) => a.name.localeCompare(b.name))

/** The output of a finished command, whatever its exit code. */
export interface CommandResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * The environment of this process without what would make a child behave unlike a user's
 * command: NODE_OPTIONS (no --conditions=@tokenguard/source may leak in) and the npm_* variables
 * a package manager sets for its scripts (npm reads npm_config_* as its own configuration).
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== 'NODE_OPTIONS' && !/^npm_/i.test(key)),
  )
}

/** Runs a command without a shell, and answers its exit code and output (never throws on exit). */
export async function command(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileAsync(file, [...args], {
      cwd: options.cwd,
      env: { ...cleanEnv(), ...options.env },
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; message: string }
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? failed.message,
    }
  }
}

/**
 * pnpm, as the command that runs this suite: `pnpm test:tarballs` sets npm_execpath to pnpm's
 * own script (CI runs pnpm through npx, so no `pnpm` is on PATH there); else `pnpm` on PATH.
 */
export function pnpm(args: readonly string[], cwd: string): Promise<CommandResult> {
  const execPath = process.env.npm_execpath
  if (execPath !== undefined && basename(execPath).startsWith('pnpm')) {
    return command(process.execPath, [execPath, ...args], { cwd })
  }
  return command('pnpm', args, { cwd })
}

/** Runs a script of a tool installed in the workspace (tsc, vitest) with this Node. */
export function workspaceTool(
  relativePath: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return command(process.execPath, [join(ROOT, 'node_modules', relativePath), ...args], options)
}

/** The files of a tarball, without the `package/` prefix, sorted. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { code, stdout, stderr } = await command('tar', ['-tzf', tarball], { cwd: ROOT })
  if (code !== 0) throw new Error(`tar -tzf ${tarball}: ${stderr}`)
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''))
    .sort()
}

/** The packed package.json of a tarball. */
export async function tarballManifest(tarball: string): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await command(
    'tar',
    ['-xzOf', tarball, 'package/package.json'],
    { cwd: ROOT },
  )
  if (code !== 0) throw new Error(`tar -xzOf ${tarball}: ${stderr}`)
  return JSON.parse(stdout) as Record<string, unknown>
}

/** Where a dependency of a workspace package is installed, through pnpm's links. */
export function installedDir(from: string, name: string): string {
  return realpathSync(join(from, 'node_modules', name))
}

/** The tarballs in a folder whose names start with `prefix`. */
export function tarballsIn(dir: string, prefix = ''): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.startsWith(prefix) && file.endsWith('.tgz'))
        .map((file) => join(dir, file))
    : []
}
