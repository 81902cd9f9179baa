// One abusive DPoP key against the replay store, with and without its per-key quota: the
// abusive key floods fresh, valid proofs of its bound token while a well-behaved key sends
// one request for every 100 of them. Prints the abusive key's proofs per second (accepted
// and refused) and the well-behaved key's success rate. No timing is asserted.
// Run: node --conditions=@tokenguard/source --import tsx bench/src/dpop-quota-bench.ts
//   [--proofs 30000] [--store 20000]   (--proofs 120000 --store 100000: the default store)
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createMemoryStore, OAuthError, type Middleware } from '@tokenguard/core'
import { dpop } from '@tokenguard/dpop'
import { createJwtVerifier, jwtBearer } from '@tokenguard/jwt-verify'
import { createDpopClient, createTestIssuer, type DpopClient } from '@tokenguard/test-tokens'
import { jwksFetch, JWKS_URI } from './tokens.js'

function numberFlag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}
const PROOFS = numberFlag('--proofs', 30_000)
const STORE_ENTRIES = numberFlag('--store', 20_000)
const ORIGIN = 'https://api.test'
const URL_PATH = '/api/pets'
const EVERY = 100

const fakeResponse = { headersSent: false, setHeader: () => undefined } as unknown as ServerResponse
function fakeRequest(token: string, proof: string): IncomingMessage {
  const headers = { authorization: `DPoP ${token}`, dpop: proof }
  const rawHeaders = Object.entries(headers).flat()
  return { method: 'GET', url: URL_PATH, headers, rawHeaders } as unknown as IncomingMessage
}
function run(middleware: Middleware, req: IncomingMessage): Promise<number> {
  return new Promise((resolve) => {
    middleware(req, fakeResponse, (error?: unknown) =>
      resolve(error === undefined ? 200 : error instanceof OAuthError ? error.status : 500),
    )
  })
}

const issuer = await createTestIssuer({ algorithms: ['ES256'] })
const verifier = createJwtVerifier({
  issuer: issuer.issuer,
  audience: issuer.audience,
  jwksUri: JWKS_URI,
  fetch: jwksFetch(issuer.jwks()),
})
await verifier.hydrate()
const abuser = await createDpopClient()
const good = await createDpopClient()
const tokenOf = (client: DpopClient) =>
  issuer.sign({ scope: 'pets:read', cnf: { jkt: client.jkt } }, { expiresInSec: 3_600 })
const abusiveToken = await tokenOf(abuser)
const goodToken = await tokenOf(good)
const proofOf = (client: DpopClient, token: string) =>
  client.proof({ method: 'GET', url: `${ORIGIN}${URL_PATH}`, accessToken: token })

console.log(`signing ${PROOFS.toLocaleString('en-US')} abusive proofs ...`)
const abusive: string[] = []
for (let index = 0; index < PROOFS; index++) abusive.push(await proofOf(abuser, abusiveToken))
const polite: string[] = []
for (let index = 0; index < PROOFS / EVERY; index++) polite.push(await proofOf(good, goodToken))

console.log(
  '| replay store | quota per key | abusive proofs/s | abusive accepted | abusive refused (503) | well-behaved success |',
)
console.log('| --- | --- | --- | --- | --- | --- |')
for (const [label, maxProofsPerKey] of [
  ['none (1e9)', 1e9],
  ['default (5000)', undefined],
] as const) {
  // A memory store refuses new proofs when full rather than forget a live jti. Proofs are
  // signed before the run, so their age window is an hour.
  const middleware = jwtBearer({
    verifier,
    dpop: dpop({
      publicOrigin: ORIGIN,
      maxAgeSec: 3_600,
      replayStore: createMemoryStore<true>({ maxEntries: STORE_ENTRIES }),
      ...(maxProofsPerKey === undefined ? {} : { maxProofsPerKey }),
    }),
  })
  let accepted = 0
  let refused = 0
  let goodOk = 0
  let goodTotal = 0
  let abusiveNs = 0n
  for (let index = 0; index < PROOFS; index++) {
    const before = process.hrtime.bigint()
    const status = await run(middleware, fakeRequest(abusiveToken, abusive[index]!))
    abusiveNs += process.hrtime.bigint() - before
    if (status === 200) accepted++
    else refused++
    if (index % EVERY === EVERY - 1) {
      goodTotal++
      const goodProof = polite[Math.floor(index / EVERY)]!
      if ((await run(middleware, fakeRequest(goodToken, goodProof))) === 200) goodOk++
    }
  }
  const seconds = Number(abusiveNs) / 1e9
  console.log(
    `| memory, ${STORE_ENTRIES.toLocaleString('en-US')} | ${label} | ${Math.round(PROOFS / seconds).toLocaleString('en-US')} | ${accepted.toLocaleString('en-US')} | ${refused.toLocaleString('en-US')} | ${((100 * goodOk) / goodTotal).toFixed(1)} % (${goodOk}/${goodTotal}) |`,
  )
}
