// Time per byte of the redactor's value patterns on adversarial input, beside a plain
// `String.prototype.indexOf` scan of the same input: each pattern must run in time linear in
// its input (issue: per-byte cost at 1 MiB at most 2× the cost at 1 KiB).
// Run: node --conditions=@tokenguard/source --import tsx bench/src/redact-linearity.ts [--smoke]
import { createRedactor } from '@tokenguard/redact'

const smoke = process.argv.includes('--smoke')
const SIZES = smoke ? [1024, 16 * 1024] : [1024, 16 * 1024, 1024 * 1024]
// Repeated prefixes of every pattern: what makes a backtracking pattern rerun the rest.
const PREFIXES = [
  'eyJ',
  'eyJ.',
  'eyJa.b',
  'Bearer ',
  'bearer \t',
  'Basic ',
  'DPoP ',
  'Authorization: ',
  'Cookie: a=',
  'X-Api-Key: ',
  '%3D',
  '%253D',
  'access_token=',
  'access_token%3D',
  'token=',
  '=',
  '"',
  '":',
  '"access_token":',
  '\\"access_token\\":\\"',
  "'access_token': '",
  'access_token: ',
  '://',
  'https://u:',
  'a@',
]
const redactor = createRedactor({ maxStringLength: 2 * 1024 * 1024 })

function nsPerByte(run: (text: string) => unknown, text: string): number {
  const reps = Math.max(8, Math.round(((smoke ? 256 : 4096) * 1024) / text.length))
  const times: number[] = []
  for (let i = 0; i < reps; i++) {
    const start = process.hrtime.bigint()
    run(text)
    times.push(Number(process.hrtime.bigint() - start))
  }
  times.sort((a, b) => a - b)
  // The fastest run: what the work costs, without the collector's pauses of the others.
  return (times[0] ?? 0) / text.length
}

const rows = [
  '| input (repeated) | ' +
    SIZES.map((size) => `${size / 1024} KiB: ours / indexOf (ns/B)`).join(' | ') +
    ' | ours, 1 MiB ÷ 1 KiB per byte |',
  '| --- |' + SIZES.map(() => ' --- |').join('') + ' --- |',
]
let worst = 0
for (const prefix of PREFIXES) {
  const cells: string[] = []
  const ours: number[] = []
  for (const size of SIZES) {
    const text = prefix.repeat(Math.ceil(size / prefix.length)).slice(0, size)
    // Warm both up on this input first, so the first size does not pay the compilation.
    nsPerByte(redactor.redactString, text.slice(0, 1024))
    const mine = nsPerByte(redactor.redactString, text)
    const plain = nsPerByte((value) => value.indexOf('\u0000'), text)
    ours.push(mine)
    cells.push(`${mine.toFixed(1)} / ${plain.toFixed(2)}`)
  }
  const growth = (ours.at(-1) ?? 0) / (ours[0] ?? 1)
  worst = Math.max(worst, growth)
  rows.push(
    `| \`${JSON.stringify(prefix).slice(1, -1).replace(/\|/g, '\\|')}\` | ${cells.join(' | ')} | ${growth.toFixed(2)}× |`,
  )
}
process.stdout.write(
  `${rows.join('\n')}\n\nworst growth of the per-byte cost: ${worst.toFixed(2)}× (goal ≤ 2×)\n`,
)
