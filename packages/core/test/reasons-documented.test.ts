import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const source = readFileSync(new URL('../src/oauth-error.ts', import.meta.url), 'utf8')
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('OAuthErrorReason', () => {
  const union = /export type OAuthErrorReason =([^;]*?)\n\n/s.exec(source)?.[1] ?? ''
  const reasons = [...union.matchAll(/\| '([a-z_]+)'/g)].map((match) => match[1])

  it('is a closed union: no string escape hatch', () => {
    expect(reasons.length).toBeGreaterThan(30)
    expect(union).not.toMatch(/string/)
  })

  it("lists every reason in the README's table", () => {
    expect(reasons.filter((reason) => !readme.includes(`\`${reason}\``))).toEqual([])
  })
})
