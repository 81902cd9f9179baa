import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, command, pnpm } from './support.js'

// A fresh copy of the repository (its files as git lists them, nothing built) installs without
// a single warning: no bin whose target is missing before a build, no workspace cycle.

const WORK = realpathSync(mkdtempSync(join(tmpdir(), 'tokenguard-fresh-install-')))
afterAll(() => rmSync(WORK, { recursive: true, force: true }))

describe('pnpm install', () => {
  it('installs a fresh copy of the repository, before any build, without a warning', async () => {
    const clone = join(WORK, 'clone')
    const listed = await command(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        cwd: ROOT,
      },
    )
    expect(listed.code, listed.stderr).toBe(0)
    for (const file of listed.stdout.split('\0').filter((path) => path !== '')) {
      if (!existsSync(join(ROOT, file))) continue
      mkdirSync(dirname(join(clone, file)), { recursive: true })
      cpSync(join(ROOT, file), join(clone, file))
    }
    // Offline: the packages come from the store the workspace's own install filled.
    const result = await pnpm(['install', '--frozen-lockfile', '--offline'], clone)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const output = `${result.stdout}\n${result.stderr}`
    expect(output.split('\n').filter((line) => /WARN|warn/.test(line))).toEqual([])
    expect(existsSync(join(clone, 'packages', 'core', 'dist'))).toBe(false)
  }, 180_000)
})
