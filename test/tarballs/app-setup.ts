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
 * The third-party dependencies of the packages (jose, lru-cache, openid-client and what it
 * needs), each from the folder pnpm installed it in, their own dependencies included: an
 * offline install must find every one of them among the packed tarballs.
 */
export function thirdPartyDependencies(): ThirdPartyDependency[] {
  const found = new Map<string, ThirdPartyDependency>()
  const queue: { from: string; name: string }[] = []
  for (const { dir, dependencies } of PACKAGES) {
    for (const name of Object.keys(dependencies)) {
      if (!name.startsWith('@tokenguard/')) queue.push({ from: dir, name })
    }
  }
  while (queue.length > 0) {
    const { from, name } = queue.shift() as { from: string; name: string }
    const installed = resolveFrom(from, name)
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      version: string
      dependencies?: Record<string, string>
    }
    const seen = found.get(name)
    // One copy per name at the top of the app: the newest, which every caret range asks for
    // (pnpm may hold 6.2.17 for us and 6.2.19 for openid-client).
    if (seen !== undefined && compareVersions(seen.version, manifest.version) >= 0) continue
    found.set(name, { name, dir: installed, version: manifest.version })
    // pnpm puts a package's own dependencies beside it, in the node_modules that holds it.
    const holder = name.startsWith('@') ? dirname(dirname(installed)) : dirname(installed)
    for (const own of Object.keys(manifest.dependencies ?? {})) {
      queue.push({ from: dirname(holder), name: own })
    }
  }
  return [...found.values()]
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split(/[.-]/).map((part) => Number(part) || 0))
  for (let index = 0; index < 3; index++) {
    const difference = (x?.[index] ?? 0) - (y?.[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

function resolveFrom(from: string, name: string): string {
  try {
    return installedDir(from, name)
  } catch {
    return installedDir(ROOT, name)
  }
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
