export { checkClaims } from './check-claims.js'
export { checkScopes } from './check-scopes.js'
export { checkUserAuthentication } from './check-user-authentication.js'
export {
  createScopeGuards,
  requireAnyScope,
  requireClaims,
  requireScopes,
  requireUserAuthentication,
} from './scope-guards.js'

export type { ClaimMatch, ClaimPredicate, ClaimRequirement, ClaimValue } from './check-claims.js'
export type { ScopeMode } from './check-scopes.js'
export type { UserAuthenticationOptions } from './check-user-authentication.js'
export type { ScopeCheckOptions } from './options.js'
export type { ScopeGuards } from './scope-guards.js'
