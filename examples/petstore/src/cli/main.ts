// `pnpm petstore <login|pets|logout>`: see petstore-cli.ts.
import { runCli } from './petstore-cli.js'

const controller = new AbortController()
process.once('SIGINT', () => controller.abort(new Error('cancelled')))
process.exitCode = await runCli(
  process.argv.slice(2),
  process.env,
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  controller.signal,
)
