import type { IntrospectorOptions } from '@tokenguard/introspect'
import {
  createTestIssuer,
  DEFAULT_TEST_CLIENT,
  type RunningIssuer,
  type TestIssuer,
} from '@tokenguard/test-tokens'
import { serve, type LocalServer } from '@tokenguard/test-support/serve'
import { createPetstoreApp, type PetstoreAppOptions } from '../src/app.js'

export const AUDIENCE = 'https://api.petstore.test'

/** A test issuer listening on 127.0.0.1, for one test file. */
export interface LocalIssuer {
  readonly issuer: TestIssuer
  readonly running: RunningIssuer
}

export async function startIssuer(): Promise<LocalIssuer> {
  const issuer = await createTestIssuer({ algorithms: ['ES256'], audience: AUDIENCE })
  const running = await issuer.listen()
  return { issuer, running }
}

/** Serves a fresh PetStore app (own store, own verifier) that trusts `issuer`. */
export function serveApp(
  { issuer }: LocalIssuer,
  options: Omit<PetstoreAppOptions, 'jwt'> = {},
): Promise<LocalServer> {
  return serve(
    createPetstoreApp({ jwt: { issuer: issuer.issuer, audience: AUDIENCE }, ...options }),
  )
}

/** Introspection at `running`'s endpoint as the issuer's default client, for opaque tokens. */
export function introspectionOptions({ issuer, running }: LocalIssuer): IntrospectorOptions {
  return {
    issuer: issuer.issuer,
    audience: AUDIENCE,
    introspectionEndpoint: running.introspectionEndpoint,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: DEFAULT_TEST_CLIENT.client_id,
      clientSecret: DEFAULT_TEST_CLIENT.client_secret,
    },
  }
}

/** The request a one-line curl command printed by the example makes. */
export interface CurlRequest {
  readonly url: string
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: string | undefined
}

/** Reads the curl commands the example prints: `-i`, `-X`, `-H`, `-d`, quoted or not. */
export function parseCurl(command: string): CurlRequest {
  const words = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  )
  if (words.shift() !== 'curl') throw new Error(`not a curl command: ${command.slice(0, 40)}`)
  let url: string | undefined
  let method: string | undefined
  let body: string | undefined
  const headers: Record<string, string> = {}
  while (words.length > 0) {
    const word = words.shift() ?? ''
    if (word === '-i') continue
    if (word === '-X') method = words.shift()
    else if (word === '-d') body = words.shift()
    else if (word === '-H') {
      const header = words.shift() ?? ''
      const colon = header.indexOf(':')
      headers[header.slice(0, colon).toLowerCase()] = header.slice(colon + 1).trim()
    } else if (word.startsWith('-')) throw new Error(`unexpected curl option ${word}`)
    else url = word
  }
  if (url === undefined) throw new Error('curl command without a URL')
  return { url, method: method ?? (body === undefined ? 'GET' : 'POST'), headers, body }
}
