#!/usr/bin/env node
/**
 * `tokenguard-test-issuer [--config issuer.json]`: the test issuer as a local server, for
 * development against a real API. See `runCli`.
 */
import { readFile } from 'node:fs/promises'
import { runCli } from './internal/run-cli.js'

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
  readFile: (path) => readFile(path, 'utf8'),
})
