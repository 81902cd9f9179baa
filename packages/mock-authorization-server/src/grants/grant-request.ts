import { GRANT_TYPES } from './grant-type.js'
import type { GrantType, TokenFormat } from './grant-type.js'
import type { AuthorizationServerClient } from '../clients/authorization-server-client.js'
import type { AuthorizationCodes } from '../stores/authorization-codes.js'
import type { DeviceAuthorizations } from '../stores/device-authorizations.js'
import type { MintDeps } from './mint-tokens.js'

/** One token request of an authenticated client, as each grant reads it. */
export interface GrantRequest {
  readonly client: AuthorizationServerClient
  readonly params: ReadonlyMap<string, string>
  readonly format: TokenFormat
  readonly nowMs: number
}

/** What the grants read and change. */
export interface GrantState {
  readonly mint: MintDeps
  readonly codes: AuthorizationCodes
  readonly devices: DeviceAuthorizations
}

/** Whether `client` may use `grant`: every grant when it lists none. */
export function clientMay(client: AuthorizationServerClient, grant: GrantType): boolean {
  return (client.grant_types ?? GRANT_TYPES).includes(grant)
}
