/**
 * `@tokenguard/test-tokens/internal`: what `@tokenguard/mock-authorization-server` builds on.
 * Not a public API: names and signatures change in any release, without a major version.
 * Import from `@tokenguard/test-tokens` instead.
 *
 * @packageDocumentation
 */
export { presentsCredentials } from '../clients/authenticate-client.js'
export { CLIENT_FIELDS } from '../clients/client-registry.js'
export { secretsEqual } from '../clients/secrets-equal.js'
export { CLIENT_AUTH_METHODS } from '../server/issuer-metadata.js'
export { readForm } from '../server/read-form.js'
export { respond } from '../server/respond.js'
export { issuerInternals } from '../test-issuer.js'

export type { ClientAuthResult, ClientRequest } from '../clients/authenticate-client.js'
export type {
  ClientRegistry,
  RegisteredClient,
  RegistrationOptions,
} from '../clients/client-registry.js'
export type { ExtensionRoute, IssuerExtension, RouteContext } from '../server/issuer-routes.js'
export type { FormResult } from '../server/read-form.js'
export type { RunningServer } from '../server/running-issuer.js'
export type { IssuerInternals } from './issuer-internals.js'
