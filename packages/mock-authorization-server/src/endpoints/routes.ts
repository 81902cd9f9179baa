import { TEST_ALGORITHMS } from '@tokenguard/test-tokens'
import { CLIENT_AUTH_METHODS } from '@tokenguard/test-tokens/internal'
import type { IssuerExtension } from '@tokenguard/test-tokens/internal'
import type { GrantServer } from '../grants/grant-server.js'
import { GRANT_TYPES } from '../grants/grant-type.js'
import { answerDeviceVerification } from '../pages/device-verification.js'
import { createAddressLockouts } from '../stores/address-lockouts.js'
import { createConsentTokens } from '../stores/consent-tokens.js'
import { answerAuthorize } from './authorize-endpoint.js'
import { answerDeviceAuthorization } from './device-authorization-endpoint.js'
import { answerToken } from './token-endpoint.js'
import { answerUserinfo } from './userinfo-endpoint.js'

/** Paths the authorization server adds to the issuer's origin. */
export const AUTHORIZATION_SERVER_PATHS = {
  authorize: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  deviceAuthorization: '/device_authorization',
  device: '/device',
} as const

/**
 * The routes and metadata the authorization server adds to its issuer's server: each
 * listening server has its own form tokens and address lockouts. The device page shares the
 * `authorize` fault switch.
 */
export function authorizationServerRoutes(
  grants: GrantServer,
  { autoApprove }: { readonly autoApprove: boolean },
): IssuerExtension {
  const consent = createConsentTokens()
  const lockouts = createAddressLockouts()
  const paths = AUTHORIZATION_SERVER_PATHS
  return {
    routes: [
      {
        path: paths.authorize,
        fault: 'authorize',
        methods: ['GET', 'POST'],
        handle: (req, res, { url }) =>
          void answerAuthorize(req, res, { server: grants, consent, issuer: url, autoApprove }),
      },
      {
        path: paths.token,
        fault: 'token',
        methods: ['POST'],
        handle: (req, res, context) => void answerToken(req, res, grants, context),
      },
      {
        path: paths.userinfo,
        fault: 'userinfo',
        methods: ['GET', 'POST'],
        handle: (req, res) => answerUserinfo(req, res, grants),
      },
      {
        path: paths.deviceAuthorization,
        fault: 'device_authorization',
        methods: ['POST'],
        handle: (req, res, context) =>
          void answerDeviceAuthorization(req, res, grants, context, context.url + paths.device),
      },
      {
        path: paths.device,
        fault: 'authorize',
        methods: ['GET', 'POST'],
        handle: (req, res) =>
          void answerDeviceVerification(req, res, { server: grants, consent, lockouts }),
      },
    ],
    metadata: (url, algorithms) => authorizationServerMetadata(url, algorithms),
  }
}

/**
 * The members the authorization server adds to its issuer's metadata, as OpenID Connect
 * Discovery 1.0 §3 and RFC 8414 §2 describe them, with the device authorization endpoint of
 * RFC 8628 §4 and the `iss` response parameter of RFC 9207 §3.
 */
function authorizationServerMetadata(
  url: string,
  algorithms: readonly string[],
): Record<string, unknown> {
  const paths = AUTHORIZATION_SERVER_PATHS
  return {
    authorization_endpoint: url + paths.authorize,
    token_endpoint: url + paths.token,
    device_authorization_endpoint: url + paths.deviceAuthorization,
    userinfo_endpoint: url + paths.userinfo,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...algorithms],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    token_endpoint_auth_signing_alg_values_supported: [...TEST_ALGORITHMS],
  }
}
