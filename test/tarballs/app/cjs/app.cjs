// The same app as CommonJS, on Express 4: require() of the ES module packages (Node 20.19+).
const { once } = require('node:events')
const express = require('express')
const { oauthErrorHandler } = require('@tokenguard/core')
const { jwtBearer } = require('@tokenguard/jwt-verify')
const { requireScopes } = require('@tokenguard/scopes')
const { createTestIssuer } = require('@tokenguard/test-tokens')
const expected = require('../packages.json')

async function main() {
  const packages = {}
  for (const [name, names] of Object.entries(expected)) {
    const module = require(name)
    packages[name] = {
      file: require.resolve(name),
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
  console.log(
    JSON.stringify({ packages, expressVersion: require('express/package.json').version, statuses }),
  )
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
