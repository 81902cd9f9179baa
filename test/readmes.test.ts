import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The READMEs promise what the packages are and how to install them: checked here against
// packages/ and each package's root exports, so they cannot drift.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PACKAGES = readdirSync(join(ROOT, 'packages'))
  .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
  .map((dir) => {
    const { name } = JSON.parse(
      readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8'),
    ) as { name: string }
    return { dir, name }
  })
const READMES = [
  'README.md',
  ...PACKAGES.map(({ dir }) => `packages/${dir}/README.md`),
  ...readdirSync(join(ROOT, 'examples')).map((dir) => `examples/${dir}/README.md`),
].filter((file) => existsSync(join(ROOT, file)))
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

/** The fenced code blocks of a Markdown text, without their fences. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
}

/** The row of the root README's package table that links the package. */
function tableRow(name: string, dir: string): string | undefined {
  return read('README.md')
    .split('\n')
    .find((line) => line.startsWith(`| [\`${name}\`](packages/${dir})`))
}

describe('the root README', () => {
  it('has one row per package under packages/, each available, and no other', () => {
    const rows = read('README.md')
      .split('\n')
      .filter((line) => line.startsWith('| [`@tokenguard/') || line.startsWith('| `@tokenguard/'))
    expect(rows.length).toBe(PACKAGES.length)
    for (const { name, dir } of PACKAGES) {
      expect(tableRow(name, dir), name).toMatch(/\| available \|$/)
    }
  })

  it.each(PACKAGES)(
    "names every root export of $name in the package's row",
    async ({ name, dir }) => {
      const exports = Object.keys((await import(name)) as object)
      const row = tableRow(name, dir) ?? ''
      const missing = exports.filter(
        (key) => !row.includes(`\`${key}\``) && !row.includes(`\`${key}()\``),
      )
      expect(missing).toEqual([])
    },
  )

  it('says that iss is compared exactly, trailing slash included', () => {
    expect(read('README.md')).toContain('**The issuer is compared exactly.**')
  })
})

describe('every README', () => {
  it.each(READMES)(
    '%s installs packages with one form: npm install [--save-dev] @tokenguard/...',
    (file) => {
      const installs = codeBlocks(read(file))
        .flatMap((block) => block.split('\n'))
        .filter((line) => /^(npm (install|i|add)|pnpm add|yarn add|bun add) /.test(line))
      for (const line of installs) {
        expect(line).toMatch(/^npm install (--save-dev )?@tokenguard\/[\w-]+( [@\w/-]+)*$/)
      }
    },
  )

  it.each(READMES)(
    '%s spells the example issuer https://login.example.com/ in its code',
    (file) => {
      const spellings = codeBlocks(read(file)).flatMap((block) =>
        [...block.matchAll(/https:\/\/login\.example\.com\S*/g)].map(([url]) => url),
      )
      for (const url of spellings) expect(url).toMatch(/^https:\/\/login\.example\.com\/(?!\/)/)
    },
  )
})

describe.each(PACKAGES)('the README of $name', ({ dir }) => {
  it('says which TypeScript settings are supported, CommonJS through nodenext with TypeScript 5.8+', () => {
    const readme = read(`packages/${dir}/README.md`)
    const section = readme.slice(readme.indexOf('## Module formats and TypeScript'))
    expect(readme).toContain('## Module formats and TypeScript')
    for (const setting of [
      '"nodenext"',
      '"bundler"',
      '"node10"',
      '"node16"',
      'TypeScript 5.8',
      'TS1479',
    ]) {
      expect(section, setting).toContain(setting)
    }
  })

  it('has an install line', () => {
    const readme = read(`packages/${dir}/README.md`)
    expect(readme).toMatch(/```sh\nnpm install (--save-dev )?@tokenguard\//)
  })
})
