// An Express 5 app as a user writes it, as ES modules: prints where each package resolved, the
// type of its main exports, and how a protected route answered, as one line of JSON.
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import express from 'express'
import { oauthErrorHandler } from '@tokenguard/core'
import { jwtBearer } from '@tokenguard/jwt-verify'
import { requireScopes } from '@tokenguard/scopes'
import { createTestIssuer } from '@tokenguard/test-tokens'

const expected = JSON.parse(readFileSync(new URL('../packages.json', import.meta.url), 'utf8'))
const packages = {}
for (const [name, names] of Object.entries(expected)) {
  const module = await import(name)
  packages[name] = {
    file: fileURLToPath(import.meta.resolve(name)),
    exports: Object.fromEntries(names.map((key) => [key, typeof module[key]])),
  }
}

const issuer = await createTestIssuer()
const running = await issuer.listen()
const app = express()
app.get(
  '/pets',
  jwtBearer({ issuer: running.url, audience: issuer.audience }),
  requireScopes('pets:read'),
  (req, res) => res.json({ subject: req.auth.subject }),
)
app.use(oauthErrorHandler())
const server = app.listen(0, '127.0.0.1')
await once(server, 'listening')
const url = `http://127.0.0.1:${server.address().port}/pets`
const statuses = []
for (const scope of ['pets:read', 'pets:write']) {
  const token = await issuer.sign({ scope })
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  statuses.push(res.status)
}
server.closeAllConnections()
server.close()
await running.close()
console.log(JSON.stringify({ packages, statuses }))
