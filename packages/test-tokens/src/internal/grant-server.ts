import { GRANT_TYPES } from '../grant-type.js'
import type { GrantType, TokenFormat } from '../grant-type.js'
import type { IntrospectionResponse } from '../introspection-response.js'
import type { TestClient } from '../test-client.js'
import type { AuthorizationSettings } from './authorization-settings.js'
import { createAuthorizationCodes } from './authorization-codes.js'
import type { CodeRecord } from './authorization-codes.js'
import type { ClientRegistry } from './client-registry.js'
import { createDeviceAuthorizations } from './device-authorizations.js'
import type { StartedDevice } from './device-authorizations.js'
import { createExpiringMap } from './expiring-map.js'
import { revokeGrant } from './grant.js'
import { authorizationCodeGrant } from './grants/authorization-code.js'
import { clientCredentialsGrant } from './grants/client-credentials.js'
import { deviceCodeGrant } from './grants/device-code.js'
import { clientMay } from './grants/grant-request.js'
import type { GrantRequest, GrantState } from './grants/grant-request.js'
import { refreshTokenGrant } from './grants/refresh-token.js'
import type { MintDeps, RefreshRecord } from './mint-tokens.js'
import { tokenError } from './token-answer.js'
import type { TokenAnswer } from './token-answer.js'

/** What the authorization server reads from its issuer. */
export interface GrantServerDeps extends Pick<
  MintDeps,
  'sign' | 'issueOpaque' | 'revokeToken' | 'now'
> {
  readonly clients: ClientRegistry
  readonly settings: AuthorizationSettings
  /** Lifetime of access tokens, in seconds. */
  readonly accessExpiresInSec: number
  introspect(token: string): IntrospectionResponse
}

/** The issuer's authorization server state: codes, refresh tokens, device authorizations. */
export interface GrantServer {
  readonly clients: ClientRegistry
  readonly settings: AuthorizationSettings
  now(): number
  /** Answers a token request (RFC 6749 §4, §6; RFC 8628 §3.4) of an authenticated client. */
  token(client: TestClient, params: ReadonlyMap<string, string>): Promise<TokenAnswer>
  /** Issues an authorization code for an approved request. */
  issueCode(record: Omit<CodeRecord, 'used' | 'grant' | 'expiresAtMs'>): string
  /** Starts a device authorization (RFC 8628 §3.2) for `client` and an already checked scope. */
  startDevice(client: TestClient, scope: string): StartedDevice
  /** Approves (`sub`) or denies (`undefined`) the pending authorization of a user code. */
  decideDevice(userCode: string, sub: string | undefined): boolean
  /** The `/userinfo` claims for an active access token, or `undefined`. */
  userinfo(token: string): Record<string, unknown> | undefined
  /** Called after `token` was revoked: a refresh token takes its whole grant along. */
  revoked(token: string): void
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
  const mint: MintDeps = {
    sign: deps.sign,
    issueOpaque: deps.issueOpaque,
    revokeToken: deps.revokeToken,
    now: deps.now,
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
    now: deps.now,
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
      const request = { client, params, format, nowMs: deps.now() }
      return GRANTS[grantType as GrantType](state, request)
    },
    issueCode: (record) => state.codes.issue(record, deps.now()),
    startDevice: (client, scope) => state.devices.start(client.client_id, scope, deps.now()),
    decideDevice(userCode, sub) {
      const record = state.devices.pendingByUserCode(userCode, deps.now())
      if (record === undefined) return false
      record.status = sub === undefined ? 'denied' : 'approved'
      record.sub = sub
      return true
    },
    userinfo(token) {
      const answer = deps.introspect(token)
      if (answer.active !== true || answer.token_type !== 'Bearer') return undefined
      const sub = answer.sub
      if (typeof sub !== 'string') return undefined
      return { ...settings.users.get(sub), sub }
    },
    revoked(token) {
      const record = mint.refreshTokens.get(token, deps.now())
      if (record !== undefined) revokeGrant(record.grant, deps.revokeToken)
    },
  }
}

// The test-only `token_format` parameter, or the client's setting.
function isTokenFormat(value: string): value is TokenFormat {
  return value === 'jwt' || value === 'opaque'
}
