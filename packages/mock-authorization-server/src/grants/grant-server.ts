import type { IntrospectionResponse } from '@tokenguard/test-tokens'
import type { AuthorizationServerClient } from '../clients/authorization-server-client.js'
import type { ClientDirectory } from '../clients/client-directory.js'
import type { AuthorizationSettings } from '../settings/authorization-settings.js'
import { createAuthorizationCodes } from '../stores/authorization-codes.js'
import type { CodeRecord } from '../stores/authorization-codes.js'
import { createDeviceAuthorizations } from '../stores/device-authorizations.js'
import type { StartedDevice } from '../stores/device-authorizations.js'
import { createExpiringMap } from '../stores/expiring-map.js'
import { authorizationCodeGrant } from './authorization-code.js'
import { clientCredentialsGrant } from './client-credentials.js'
import { deviceCodeGrant } from './device-code.js'
import { clientMay } from './grant-request.js'
import type { GrantRequest, GrantState } from './grant-request.js'
import { GRANT_TYPES } from './grant-type.js'
import type { GrantType, TokenFormat } from './grant-type.js'
import type { MintDeps, RefreshRecord } from './mint-tokens.js'
import { refreshTokenGrant } from './refresh-token.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'

/** What the authorization server reads from its issuer. */
export interface GrantServerDeps extends Pick<MintDeps, 'issuer' | 'signIdToken'> {
  readonly clients: ClientDirectory
  readonly settings: AuthorizationSettings
  /** Lifetime of access tokens, in seconds. */
  readonly accessExpiresInSec: number
  introspect(token: string): IntrospectionResponse
}

/** The authorization server's state: codes, refresh tokens, device authorizations. */
export interface GrantServer {
  readonly clients: ClientDirectory
  readonly settings: AuthorizationSettings
  now(): number
  /** Answers a token request (RFC 6749 §4, §6; RFC 8628 §3.4) of an authenticated client. */
  token(
    client: AuthorizationServerClient,
    params: ReadonlyMap<string, string>,
  ): Promise<TokenAnswer>
  /** Issues an authorization code for an approved request. */
  issueCode(record: Omit<CodeRecord, 'used' | 'grant' | 'expiresAtMs'>): string
  /** Starts a device authorization (RFC 8628 §3.2) for `client` and an already checked scope. */
  startDevice(client: AuthorizationServerClient, scope: string): StartedDevice
  /**
   * Approves (`sub`) or denies (`undefined`) the pending authorization of a user code;
   * `false` when none is pending.
   */
  decideDevice(userCode: string, sub: string | undefined): boolean
  /** Counts a wrong user code typed on the verification page (RFC 8628 §5.1). */
  wrongUserCode(): void
  /** The `/userinfo` claims for an active access token, or `undefined`. */
  userinfo(token: string): Record<string, unknown> | undefined
}

/** Most refresh tokens kept at once. */
export const MAX_REFRESH_TOKENS = 10_000

const GRANTS: Readonly<
  Record<
    GrantType,
    (state: GrantState, request: GrantRequest) => Promise<TokenAnswer> | TokenAnswer
  >
> = {
  client_credentials: clientCredentialsGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  'urn:ietf:params:oauth:grant-type:device_code': deviceCodeGrant,
}

/** Creates the authorization server of an issuer. */
export function createGrantServer(deps: GrantServerDeps): GrantServer {
  const { settings } = deps
  const now = deps.issuer.now
  const mint: MintDeps = {
    issuer: deps.issuer,
    signIdToken: deps.signIdToken,
    accessExpiresInSec: deps.accessExpiresInSec,
    refreshExpiresInSec: settings.refreshTokenExpiresInSec,
    refreshTokens: createExpiringMap<RefreshRecord>(MAX_REFRESH_TOKENS),
  }
  const state: GrantState = {
    mint,
    codes: createAuthorizationCodes(settings.codeExpiresInSec),
    devices: createDeviceAuthorizations(
      settings.deviceCodeExpiresInSec,
      settings.devicePollIntervalSec,
    ),
  }

  return {
    clients: deps.clients,
    settings,
    now,
    async token(client, params) {
      const grantType = params.get('grant_type')
      if (grantType === undefined) {
        return tokenError('invalid_request', 'the grant_type parameter is required')
      }
      if (!(GRANT_TYPES as readonly string[]).includes(grantType)) {
        return tokenError('unsupported_grant_type', 'the grant_type is not supported')
      }
      if (!clientMay(client, grantType as GrantType)) {
        return tokenError('unauthorized_client', 'the client may not use this grant_type')
      }
      const format = params.get('token_format') ?? client.token_format ?? 'jwt'
      if (!isTokenFormat(format)) {
        return tokenError('invalid_request', `token_format must be 'jwt' or 'opaque'`)
      }
      const request = { client, params, format, nowMs: now() }
      return GRANTS[grantType as GrantType](state, request)
    },
    issueCode: (record) => state.codes.issue(record, now()),
    startDevice: (client, scope) => state.devices.start(client.client_id, scope, now()),
    decideDevice(userCode, sub) {
      const record = state.devices.pendingByUserCode(userCode, now())
      if (record === undefined) return false
      record.status = sub === undefined ? 'denied' : 'approved'
      record.sub = sub
      return true
    },
    wrongUserCode: () => state.devices.wrongUserCode(),
    userinfo(token) {
      const answer = deps.introspect(token)
      if (answer.active !== true || answer.token_type !== 'Bearer') return undefined
      const sub = answer.sub
      if (typeof sub !== 'string') return undefined
      return { ...settings.users.get(sub), sub }
    },
  }
}

// The test-only `token_format` parameter, or the client's setting.
function isTokenFormat(value: string): value is TokenFormat {
  return value === 'jwt' || value === 'opaque'
}
