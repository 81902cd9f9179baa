/**
 * `tokenguard-mock-authorization-server [--config server.json]`: the mock authorization
 * server and its test issuer as a local server, for development against a real API or a
 * real client. The bin shim in `bin/` loads this file; see `runCli`.
 */
import { readFile } from 'node:fs/promises'
import { runCli } from './cli/run-cli.js'

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
  readFile: (path) => readFile(path, 'utf8'),
})
