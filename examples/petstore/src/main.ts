import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { readConfig, readSystemPorts, type PetstoreEnv } from './config.js'
import { curlExamples, formatCurlExamples } from './curl-commands.js'
import { startPetstore, type RunningPetstore } from './start.js'
import { startPetstoreSystem, type RunningPetstoreSystem } from './system.js'

/**
 * Runs the PetStore from the environment (see `readConfig`). With the local issuer (no
 * `ISSUER`): the whole system — the local authorization server with its login and consent
 * pages, the API, the web app and the stats service — and a banner with, in this order, the
 * web app to open with the demo user, the CLI commands, and ready-to-paste curl commands.
 * With `ISSUER`: the API alone. Stops everything on SIGINT or SIGTERM.
 *
 * @example
 * await main(process.env)
 */
export async function main(env: PetstoreEnv): Promise<RunningPetstore> {
  const config = readConfig(env)
  const logError = (error: unknown): void => console.error('petstore: unhandled error:', error)
  if (config.issuer !== undefined) {
    const petstore = await startPetstore({ ...config, logError })
    printApiOnly(petstore)
    stopOnSignals(petstore)
    return petstore
  }
  const system = await startPetstoreSystem({ ...config, ...readSystemPorts(env), logError })
  printSystem(system)
  stopOnSignals(system)
  return system.petstore
}

function printSystem(system: RunningPetstoreSystem): void {
  const { petstore } = system
  console.log(`PetStore web app: open ${system.webUrl}`)
  console.log('  Log in with PetStore as the demo user "alice" (any user name works; no password).')
  console.log('')
  console.log('The CLI, on the device flow (in another terminal):')
  console.log(
    '  npx -y pnpm@10 petstore login    # prints a URL and a code to confirm in the browser',
  )
  console.log('  npx -y pnpm@10 petstore pets')
  console.log('  npx -y pnpm@10 petstore logout')
  console.log('')
  console.log(
    `Authorization server (login and consent pages, every grant): ${system.authorizationServerUrl}`,
  )
  console.log(`PetStore API: ${petstore.url}    stats service: ${system.statsUrl}`)
  if (petstore.publicOrigin !== petstore.url)
    console.log(`Clients call the API at ${petstore.publicOrigin}.`)
  console.log(describeDpopAndMetadata(petstore))
  const minutes = Math.round(petstore.tokenLifetimeSec / 60)
  console.log(`The tokens below expire in ${minutes} minutes; restart for new ones.\n`)
  console.log(formatCurlExamples(curlExamples(petstore)))
  console.log('Ctrl+C stops every server.')
}

function printApiOnly(petstore: RunningPetstore): void {
  const { url, publicOrigin, issuer, audience, introspector } = petstore
  console.log(`PetStore API listening on ${url}`)
  if (publicOrigin !== url) console.log(`Clients call it at ${publicOrigin}.`)
  console.log(describeDpopAndMetadata(petstore))
  console.log(`Accepting access tokens from ${issuer} for audience ${audience}.`)
  console.log(
    introspector === undefined
      ? 'JWTs only: set INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET to accept opaque tokens too.'
      : "Opaque tokens are introspected at the issuer's introspection_endpoint (from its metadata).",
  )
  console.log('Get a token from your issuer, then: export TOKEN=<access token>\n')
  petstore.verifier.hydrate().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error)
    console.warn(`petstore: cannot fetch the issuer's keys yet (${reason}); requests get 503`)
  })
  console.log(formatCurlExamples(curlExamples(petstore)))
  console.log('Ctrl+C stops the server.')
}

function describeDpopAndMetadata({ audience, resourceMetadataUrl }: RunningPetstore): string {
  const dpop =
    'DPoP-bound tokens are accepted with a proof (RFC 9449, mixed mode); bearer tokens as before.'
  const metadata =
    resourceMetadataUrl === undefined
      ? `No protected resource metadata: the audience ${audience} is not an https URL (http only on localhost).`
      : `Protected resource metadata (RFC 9728): ${resourceMetadataUrl}`
  return `${dpop}\n${metadata}`
}

function stopOnSignals(petstore: { close(): Promise<void> }): void {
  const stop = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    console.log(`\n${signal}: stopping`)
    // A second signal, or a close that hangs, ends the process anyway.
    setTimeout(() => process.exit(1), 5_000).unref()
    petstore.close().then(
      () => console.log('stopped'),
      (error: unknown) => {
        console.error('petstore: could not stop cleanly:', error)
        process.exitCode = 1
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

function isEntryPoint(): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

// Listens only when run directly (`pnpm start`), so tests can import this module.
if (isEntryPoint()) {
  main(process.env).catch((error: unknown) => {
    console.error(`petstore: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  })
}
