import { readFileSync } from 'node:fs'

const README = new URL('../README.md', import.meta.url)

/** A token or a DPoP proof in a printed command, whole or cut short with `...` as in the README. */
const TOKEN = /(Authorization: (?:Bearer|DPoP) |"DPoP: )[\w.~+/=-]+(?:\.\.\.)?/g

/** The sample output of `pnpm start` in the README: the text block under "## Run it". */
export function readmeSample(): string {
  const readme = readFileSync(README, 'utf8')
  const section = readme.slice(readme.indexOf('## Run it'))
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error('README.md: no ```text block under "## Run it"')
  return normalizeOutput(block)
}

/**
 * What `pnpm start` printed, comparable with the README's sample: the listening origins become
 * the README's (the API on 3000, the web app on 3001, the stats service on 3002, the
 * authorization server on 41873), and every token and proof `…`.
 */
export function normalizeOutput(output: string): string {
  const first = 'PetStore web app: open'
  const last = 'Ctrl+C stops every server.'
  const end = output.indexOf(last)
  let text = output.slice(output.indexOf(first), end === -1 ? undefined : end + last.length)
  const origins: [RegExp, string][] = [
    [/^PetStore API: (\S+) /m, 'http://127.0.0.1:3000'],
    [/^PetStore web app: open (\S+)$/m, 'http://127.0.0.1:3001'],
    [/stats service: (\S+)$/m, 'http://127.0.0.1:3002'],
    [/^Authorization server \(.*\): (\S+)$/m, 'http://127.0.0.1:41873'],
  ]
  for (const [pattern, shown] of origins) {
    const origin = pattern.exec(output)?.[1]
    if (origin !== undefined) text = text.replaceAll(origin, shown)
  }
  return `${text.replace(TOKEN, '$1…').trimEnd()}\n`
}
