import { mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PACKAGES, ROOT, installedDir } from './support.js'

/** A third-party dependency of the packages, where pnpm installed it. */
export interface ThirdPartyDependency {
  readonly name: string
  readonly dir: string
  readonly version: string
}

/**
 * The third-party dependencies of the packages (jose, lru-cache), each from the folder pnpm
 * installed it in. Throws when one has dependencies of its own: an offline install could not
 * supply them, so the tarball test would need to pack those too.
 */
export function thirdPartyDependencies(): ThirdPartyDependency[] {
  const found = new Map<string, ThirdPartyDependency>()
  for (const { dir, dependencies } of PACKAGES) {
    for (const name of Object.keys(dependencies)) {
      if (name.startsWith('@tokenguard/') || found.has(name)) continue
      const installed = installedDir(dir, name)
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
        version: string
        dependencies?: Record<string, string>
      }
      const own = Object.keys(manifest.dependencies ?? {})
      if (own.length > 0) {
        throw new Error(`${name} has dependencies (${own.join(', ')}): pack them for the app too`)
      }
      found.set(name, { name, dir: installed, version: manifest.version })
    }
  }
  return [...found.values()]
}

/**
 * The app's own tools, as a user's hoisted dependencies: the workspace's express 5, supertest,
 * vitest and types in `work`/node_modules above the app, and express 4 in the CommonJS app's
 * folder.
 */
export function linkTools(work: string, app: string): void {
  const tools = [
    'express',
    'supertest',
    'vitest',
    '@types/node',
    '@types/express',
    '@types/supertest',
  ]
  for (const name of tools) link(installedDir(ROOT, name), join(work, 'node_modules', name))
  link(installedDir(ROOT, 'express4'), join(app, 'cjs', 'node_modules', 'express'))
}

function link(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  symlinkSync(target, path, 'dir')
}
