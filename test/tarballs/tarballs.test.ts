import { spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import {
  APP_FIXTURE,
  cleanEnv,
  PACKAGES,
  ROOT,
  command,
  pnpm,
  tarballFiles,
  tarballManifest,
  tarballsIn,
  workspaceTool,
  type WorkspacePackage,
} from './support.js'
import { linkTools, thirdPartyDependencies } from './app-setup.js'

// What a user does with the packages, step by step: pack each with pnpm, install the tarballs
// with npm into an app outside the workspace, then run the app as ES modules, as CommonJS,
// under vitest with supertest, and type-check it with each TypeScript setting. The tests of
// this file run in order, each on what the one before made. Run it alone (`pnpm test:tarballs`,
// a step of .ci/run): it deletes and rebuilds packages/scopes/dist.
//
// Offline by construction: npm installs from an empty cache with --offline. The tarballs'
// third-party dependencies (jose, lru-cache: none of them has dependencies of its own) are
// packed from the workspace's node_modules; the app's own tools (express, supertest, vitest,
// @types/*) are the workspace's, linked into a node_modules folder above the app, where Node
// and TypeScript find them as they would find a user's hoisted dependencies.

const WORK = realpathSync(mkdtempSync(join(tmpdir(), 'tokenguard-tarballs-')))
const TARBALLS = join(WORK, 'tarballs')
const APP = join(WORK, 'app')
// TOKENGUARD_KEEP_TARBALL_APP=1 keeps the folder, to look at the installed app after a failure.
afterAll(() => {
  if (process.env.TOKENGUARD_KEEP_TARBALL_APP === undefined) {
    rmSync(WORK, { recursive: true, force: true })
  } else console.log(`tarball app kept in ${APP}`)
})

const SCOPES = pkg('@tokenguard/scopes')
const EXPECTED = JSON.parse(readFileSync(join(APP_FIXTURE, 'packages.json'), 'utf8')) as Record<
  string,
  string[]
>
const LICENSE = readFileSync(join(ROOT, 'LICENSE'), 'utf8')

/** The TypeScript settings the READMEs support, each a folder of the fixture app's ts/. */
const SUPPORTED_TS = ['esm-nodenext', 'esm-node16', 'esm-bundler', 'cjs-nodenext', 'cjs-node10']

function pkg(name: string): WorkspacePackage {
  const found = PACKAGES.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no package ${name} under packages/`)
  return found
}

function tarballOf(name: string): string {
  const [tarball] = tarballsIn(TARBALLS, `${name.replace('@', '').replace('/', '-')}-`)
  if (tarball === undefined) throw new Error(`no tarball of ${name} in ${TARBALLS}`)
  return tarball
}

/** Where an installed package's entry point must be: its dist/, inside the app. */
function distEntry(name: string): string {
  return join(APP, 'node_modules', name, 'dist', 'index.js')
}

describe('pnpm pack', () => {
  it('refuses to pack a package whose build output is missing, naming each missing file', async () => {
    const dist = join(SCOPES.dir, 'dist')
    // The next build starts from nothing, whatever this test leaves.
    onTestFinished(() => rmSync(dist, { recursive: true, force: true }))
    expect((await workspaceTool('typescript/bin/tsc', ['-b'], { cwd: SCOPES.dir })).code).toBe(0)
    // dist/ half deleted, its tsbuildinfo kept: `tsc -b` says "up to date" and emits nothing.
    rmSync(join(dist, 'index.js'))
    const refused = join(WORK, 'refused')
    const result = await pnpm(['pack', '--pack-destination', refused], SCOPES.dir)
    expect(result.code).not.toBe(0)
    expect(result.stdout + result.stderr).toContain(
      '@tokenguard/scopes: refusing to pack, 2 file(s) missing:\n' +
        '  - ./dist/index.js (main) is missing',
    )
    expect(tarballsIn(refused)).toEqual([])
  }, 120_000)

  it('builds a package whose dist/ is missing before packing it', async () => {
    rmSync(join(SCOPES.dir, 'dist'), { recursive: true, force: true })
    const result = await pnpm(['pack', '--pack-destination', TARBALLS], SCOPES.dir)
    expect(result.code, result.stderr).toBe(0)
    expect(await tarballFiles(tarballOf(SCOPES.name))).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.d.ts']),
    )
  }, 120_000)

  it('packs every package with dist/, README and LICENSE, and never tsconfig.json or tests', async () => {
    for (const { name, dir } of PACKAGES) {
      if (name === SCOPES.name) continue
      const result = await pnpm(['pack', '--pack-destination', TARBALLS], dir)
      expect(result.code, `${name}: ${result.stderr}`).toBe(0)
    }
    for (const { name } of PACKAGES) {
      const files = await tarballFiles(tarballOf(name))
      expect(files, name).toEqual(
        expect.arrayContaining([
          'LICENSE',
          'README.md',
          'package.json',
          'dist/index.js',
          'dist/index.d.ts',
        ]),
      )
      expect(
        files.filter((file) => /^(test|bin\/.*\.ts$)|tsconfig|tsbuildinfo|\.test\./.test(file)),
        name,
      ).toEqual([])
    }
    const licensed = await Promise.all(
      PACKAGES.map(async ({ name }) => {
        const { stdout } = await command('tar', ['-xzOf', tarballOf(name), 'package/LICENSE'], {
          cwd: ROOT,
        })
        return [name, stdout === LICENSE && stdout.includes('tokenguard contributors')]
      }),
    )
    expect(Object.fromEntries(licensed)).toEqual(
      Object.fromEntries(PACKAGES.map(({ name }) => [name, true])),
    )
  }, 300_000)

  it('writes version ranges, never workspace:, into every packed manifest', async () => {
    for (const { name, version, dependencies } of PACKAGES) {
      const manifest = await tarballManifest(tarballOf(name))
      expect(JSON.stringify(manifest), name).not.toContain('workspace:')
      const internal = Object.keys(dependencies).filter((dep) => dep.startsWith('@tokenguard/'))
      expect(manifest.dependencies, name).toEqual(
        expect.objectContaining(Object.fromEntries(internal.map((dep) => [dep, `^${version}`]))),
      )
      expect(manifest, name).toEqual(
        expect.objectContaining({ main: './dist/index.js', types: './dist/index.d.ts' }),
      )
    }
  })
})

describe('the tarballs, installed with npm into an app outside the workspace', () => {
  it('install offline, from an empty npm cache, without a warning', async () => {
    cpSync(APP_FIXTURE, APP, { recursive: true })
    const dependencies: Record<string, string> = {}
    for (const { name } of PACKAGES)
      dependencies[name] = `file:../tarballs/${basename(tarballOf(name))}`
    for (const { name, dir, version } of thirdPartyDependencies()) {
      // Packed with tar, as the registry's tarball would be: `npm pack <folder>` wants the
      // folder's devDependencies for its `prepare` script (lru-cache has one), even offline.
      const filename = `${name.replace('@', '').replace('/', '-')}-${version}.tgz`
      const packed = await command(
        'tar',
        [
          '-czf',
          join(TARBALLS, filename),
          '--exclude=node_modules',
          `--transform=s,^${basename(dir)},package,`,
          basename(dir),
        ],
        { cwd: dirname(dir) },
      )
      expect(packed.code, packed.stderr).toBe(0)
      dependencies[name] = `file:../tarballs/${filename}`
    }
    writeFileSync(
      join(APP, 'package.json'),
      JSON.stringify({ name: 'tarball-app', private: true, type: 'module', dependencies }, null, 2),
    )
    linkTools(WORK, APP)
    const result = await command(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--cache', join(WORK, 'npm-cache')],
      { cwd: APP, timeoutMs: 180_000 },
    )
    expect(result.code, result.stderr).toBe(0)
    // npm 11 lists a third-party tarball's `prepare` script (lru-cache's) as not allowed to run:
    // not ours to fix, as long as no line of that list names one of our packages.
    const warnings = result.stderr
      .split('\n')
      .filter((line) => /warn/i.test(line))
      .filter((line) => !/^npm warn install-scripts\b/.test(line) || line.includes('@tokenguard/'))
    expect(warnings).toEqual([])
    for (const name of Object.keys(EXPECTED)) expect(existsSync(distEntry(name)), name).toBe(true)
  }, 240_000)

  it('run as ES modules from dist/: every package loads, and a protected route answers 200 and 403', async () => {
    const result = await command(process.execPath, ['esm/app.mjs'], { cwd: APP })
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(expectedRun())
  }, 60_000)

  it('run as CommonJS through require() from dist/, on Express 4', async () => {
    const result = await command(process.execPath, ['cjs/app.cjs'], { cwd: APP })
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      ...expectedRun(),
      expressVersion: expect.stringMatching(/^4\./),
    })
  }, 60_000)

  it("run the mock authorization server's bin from dist/, which serves discovery and stops on SIGTERM", async () => {
    const bin = join(APP, 'node_modules', '.bin', 'tokenguard-mock-authorization-server')
    const child = spawn(bin, [], { cwd: APP, env: cleanEnv() })
    onTestFinished(() => void child.kill('SIGKILL'))
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no issuer in 20 s: ${stderr}`)), 20_000)
      child.stdout.on('data', () => {
        const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
        if (url !== undefined) {
          clearTimeout(timer)
          resolve(url)
        }
      })
      child.once('error', reject)
      void exited.then(() => reject(new Error(`exited early: ${stderr}`)))
    })
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`)
    expect(discovery.status).toBe(200)
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
  }, 60_000)

  it('run under vitest with supertest, whose resolver picks dist/ and never loads src/', async () => {
    const record = join(WORK, 'vitest-resolutions.jsonl')
    const result = await workspaceTool('vitest/vitest.mjs', ['run'], {
      cwd: APP,
      env: { TOKENGUARD_RESOLUTIONS: record, NO_COLOR: '1', FORCE_COLOR: '0' },
    })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/Tests\s+3 passed/)
    const entries = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { source?: string; resolved?: string; loadedSource?: string },
      )
    expect(entries.filter((entry) => entry.loadedSource !== undefined)).toEqual([])
    const resolved = Object.fromEntries(entries.map((entry) => [entry.source, entry.resolved]))
    const imported = [
      '@tokenguard/core',
      '@tokenguard/jwt-verify',
      '@tokenguard/scopes',
      '@tokenguard/test-tokens',
    ]
    expect(resolved).toEqual(Object.fromEntries(imported.map((name) => [name, distEntry(name)])))
  }, 120_000)
})

describe('tsc --noEmit on the installed types, in the app', () => {
  it.each(SUPPORTED_TS)(
    'type-checks every package under %s',
    async (setting) => {
      const result = await typecheck(setting)
      expect(result.stdout + result.stderr).toBe('')
      expect(result.code).toBe(0)
    },
    60_000,
  )

  it('refuses every import under node16 CommonJS with TS1479, which the READMEs do not support', async () => {
    const result = await typecheck('cjs-node16')
    expect(result.code).not.toBe(0)
    const refused = Object.keys(EXPECTED).filter((name) => result.stdout.includes(`"${name}"`))
    expect(refused).toEqual(Object.keys(EXPECTED))
    expect(result.stdout.match(/error TS\d+/g)).toEqual(refused.map(() => 'error TS1479'))
  }, 60_000)
})

function typecheck(setting: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = join(APP, 'ts', setting)
  cpSync(join(APP, 'ts', 'usage.ts'), join(dir, 'usage.ts'))
  return workspaceTool('typescript/bin/tsc', ['-p', dir, '--pretty', 'false'], { cwd: dir })
}

/** What the ESM and CommonJS apps print: each package from dist/, its main exports, 200 then 403. */
function expectedRun(): Record<string, unknown> {
  return {
    packages: Object.fromEntries(
      Object.entries(EXPECTED).map(([name, names]) => [
        name,
        {
          file: distEntry(name),
          exports: Object.fromEntries(names.map((key) => [key, 'function'])),
        },
      ]),
    ),
    statuses: [200, 403],
  }
}
