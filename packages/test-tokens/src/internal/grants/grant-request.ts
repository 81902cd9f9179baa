import { GRANT_TYPES } from '../../grant-type.js'
import type { GrantType, TokenFormat } from '../../grant-type.js'
import type { TestClient } from '../../test-client.js'
import type { AuthorizationCodes } from '../authorization-codes.js'
import type { DeviceAuthorizations } from '../device-authorizations.js'
import type { MintDeps } from '../mint-tokens.js'

/** One token request of an authenticated client, as each grant reads it. */
export interface GrantRequest {
  readonly client: TestClient
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
export function clientMay(client: TestClient, grant: GrantType): boolean {
  return (client.grant_types ?? GRANT_TYPES).includes(grant)
}
