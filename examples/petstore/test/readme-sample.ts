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
 * the README's (the API on port 3000, the issuer on 41873), and every token and proof `…`.
 */
export function normalizeOutput(output: string): string {
  const api = /^PetStore API listening on (\S+)$/m.exec(output)?.[1]
  const issuer = /^Local test issuer on (\S+) /m.exec(output)?.[1]
  const end = output.indexOf('Ctrl+C stops the server.')
  let text = output.slice(
    output.indexOf('PetStore API listening on'),
    end === -1 ? undefined : end + 'Ctrl+C stops the server.'.length,
  )
  if (api !== undefined) text = text.replaceAll(api, 'http://127.0.0.1:3000')
  if (issuer !== undefined) text = text.replaceAll(issuer, 'http://127.0.0.1:41873')
  return `${text.replace(TOKEN, '$1…').trimEnd()}\n`
}
