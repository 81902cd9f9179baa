/**
 * Every `reason` an {@link OAuthError} of the suite carries, in one closed list: a reason
 * outside it is a type error, and `packages/core/README.md` has a row for each (a test keeps
 * them in step). Grouped by where they come from.
 */
export const OAUTH_ERROR_REASONS = [
  // The request (RFC 6750 §2): token extraction.
  'missing_token',
  'malformed_header',
  'multiple_methods',
  'multiple_tokens',
  'header_too_large',
  'malformed_body',
  'malformed_token',
  'token_too_large',
  // The JWT: structure, header, key and signature (RFC 7515, RFC 8725).
  'alg_not_allowed',
  'embedded_key',
  'unsupported_crit',
  'wrong_typ',
  'unknown_kid',
  'bad_signature',
  // The claims, JWT or introspected (RFC 7519, RFC 7662, RFC 9068).
  'wrong_issuer',
  'wrong_audience',
  'audience_missing',
  'token_expired',
  'token_not_yet_valid',
  'token_too_old',
  'iat_in_future',
  'missing_claim',
  'token_inactive',
  'wrong_token_type',
  'unverifiable_binding',
  // Guards after the bearer middleware (RFC 6750 §3.1, RFC 9470).
  'claim_check_failed',
  'insufficient_scope',
  'insufficient_user_authentication',
  'no_auth_context',
  // The issuer could not be used: 503, never an invalid token.
  'jwks_unavailable',
  'introspection_unavailable',
  // DPoP (RFC 9449).
  'dpop_required',
  'dpop_proof_missing',
  'dpop_proof_invalid',
  'dpop_replayed',
  'dpop_binding_mismatch',
  'dpop_nonce_required',
  'dpop_replay_store_unavailable',
  'dpop_key_over_quota',
  // The client half (@tokenguard/client).
  'authorization_server_refused',
  'authorization_server_unavailable',
  'login_state_mismatch',
  'login_callback_invalid',
  'session_missing',
  'session_ended',
  'device_authorization_denied',
  'device_authorization_expired',
] as const

/**
 * Why a request was refused, for logs and metrics. Never shown to the client beyond the
 * safe description; never contains a token or a claim value. A closed union: every member
 * is in {@link OAUTH_ERROR_REASONS} and in the README's error table.
 */
export type OAuthErrorReason = (typeof OAUTH_ERROR_REASONS)[number]
