import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// docs/CONFORMANCE.md is generated from test/conformance/requirements.json and the ids in
// test names; these tests keep it from drifting from the tests.

const SCRIPT = 'scripts/conformance-table.mjs'
const scratch = mkdtempSync(join(tmpdir(), 'conformance-table-'))

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function run(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('scripts/conformance-table.mjs', () => {
  it('finds docs/CONFORMANCE.md up to date, with a test for every requirement', () => {
    const { status, output } = run('--check')
    expect(output).toMatch(/is up to date \(\d+ requirements, \d+ tests\)/)
    expect(status).toBe(0)
  })

  it('fails the check when the document is stale', () => {
    const stale = join(scratch, 'STALE.md')
    writeFileSync(stale, `${readFileSync('docs/CONFORMANCE.md', 'utf8')}\nedited by hand\n`)
    const { status, output } = run('--check', '--out', stale)
    expect(status).toBe(1)
    expect(output).toContain('is stale; run node scripts/conformance-table.mjs')
  })

  it('fails the check when a requirement has no test, or a test names an unknown id', () => {
    const document = JSON.parse(readFileSync('test/conformance/requirements.json', 'utf8')) as {
      requirements: { id: string }[]
    }
    const file = join(scratch, 'requirements.json')
    const untested = {
      id: 'RFC0000-1-untested',
      standard: 'RFC 0000',
      section: '1',
      level: 'MUST',
      requirement: 'Something nobody tests.',
      behaviour: 'None.',
    }
    const withoutFirst = document.requirements.slice(1)
    writeFileSync(file, JSON.stringify({ ...document, requirements: [...withoutFirst, untested] }))
    const { status, output } = run('--check', '--requirements', file)
    expect(status).toBe(1)
    expect(output).toContain('RFC0000-1-untested: no test carries this id')
    expect(output).toContain(`names unknown id ${document.requirements[0]!.id}`)
  })
})
