import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { readConfig, type PetstoreEnv } from './config.js'
import { curlExamples, formatCurlExamples } from './curl-commands.js'
import { explainListenError } from './listen-error.js'
import { startPetstore, type RunningPetstore } from './start.js'

/**
 * Runs the PetStore from the environment (see `readConfig`): starts the API, and a local
 * issuer unless `ISSUER` is set, prints ready-to-paste curl commands (JWTs, and an opaque
 * token and a DPoP request when the issuer is local, and the protected resource metadata),
 * and stops both on SIGINT or SIGTERM.
 *
 * @example
 * await main(process.env)
 */
export async function main(env: PetstoreEnv): Promise<RunningPetstore> {
  const options = readConfig(env)
  const petstore = await startPetstore({
    ...options,
    logError: (error) => console.error('petstore: unhandled error:', error),
  }).catch((error: unknown) => {
    throw explainListenError(error, options)
  })
  const { url, publicOrigin, issuer, audience, tokens, introspector } = petstore
  console.log(`PetStore API listening on ${url}`)
  if (publicOrigin !== url) console.log(`Clients call it at ${publicOrigin}.`)
  console.log(describeDpopAndMetadata(petstore))
  if (tokens === undefined) {
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
  } else {
    console.log(`Local test issuer on ${issuer} (audience ${audience}).`)
    console.log('JWTs are verified with its keys; opaque tokens are introspected at its endpoint.')
    console.log('Set ISSUER and AUDIENCE to accept a real issuer instead.')
    const minutes = Math.round(petstore.tokenLifetimeSec / 60)
    console.log(`The tokens below expire in ${minutes} minutes; restart for new ones.\n`)
  }
  console.log(formatCurlExamples(curlExamples(petstore)))
  console.log('Ctrl+C stops the server.')
  stopOnSignals(petstore)
  return petstore
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

function stopOnSignals(petstore: RunningPetstore): void {
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
