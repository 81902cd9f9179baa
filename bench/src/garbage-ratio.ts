// Garbage tokens against valid ones through jwtBearer, in process (a fake request through the
// app's own request prototype), ES256, result cache off: what a flood of junk costs against
// real work, as a ratio of operations per CPU-second. Every refusal is a fresh OAuthError, so
// this is where its allocation would show. No timing is asserted.
// Run: node --conditions=@tokenguard/source --import tsx bench/src/garbage-ratio.ts
import { randomBytes } from 'node:crypto'
import express from 'express'
import { jwtBearer } from '@tokenguard/jwt-verify'
import { mintTokens, startBenchIssuer } from './bench-issuer.js'
import { fakeRequests } from './fake-request.js'

const bench = await startBenchIssuer(['ES256'])
const { pools } = await mintTokens(bench, ['ES256'], 12_000, 1)
const valid = [...(pools[0]?.unique ?? [])]
const call = fakeRequests(express())
const middleware = jwtBearer({
  issuer: bench.config.issuer,
  audience: bench.config.audience,
  jwksUri: bench.config.jwksUri,
  cacheMaxEntries: 0,
})
// Half random text, half random base64url triplets: refused before any signature check.
const garbage = Array.from({ length: 12_000 }, (_, index) =>
  index % 2 === 0
    ? randomBytes(48).toString('base64url')
    : [20, 40, 30].map((size) => randomBytes(size).toString('base64url')).join('.'),
)

async function perCpuSecond(tokens: readonly string[]): Promise<number> {
  const before = process.cpuUsage()
  const until = performance.now() + 2_000
  let sent = 0
  while (performance.now() < until) {
    for (let index = 0; index < 100; index++) {
      await call(middleware, `Bearer ${tokens[sent++ % tokens.length] ?? ''}`)
    }
  }
  const { user, system } = process.cpuUsage(before)
  return sent / ((user + system) / 1e6)
}

await perCpuSecond(valid)
await perCpuSecond(garbage)
console.log('| repetition | valid unique tokens/s | garbage tokens/s | garbage ÷ valid |')
console.log('| --- | --- | --- | --- |')
for (let repetition = 1; repetition <= 3; repetition++) {
  const good = await perCpuSecond(valid)
  const junk = await perCpuSecond(garbage)
  const fmt = (value: number) => Math.round(value).toLocaleString('en-US')
  console.log(`| ${repetition} | ${fmt(good)} | ${fmt(junk)} | ${(junk / good).toFixed(1)}× |`)
}
await bench.running.close()
