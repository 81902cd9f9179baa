import { type BearerMiddlewareOptions, type Middleware } from '@tokenguard/core'
import {
  BEARER_MIDDLEWARE_OPTION_NAMES,
  checkOptionNames,
  createBearerMiddleware,
  splitBearerOptions,
} from '@tokenguard/core/internal'
import { createIntrospector, type Introspector } from './introspector.js'
import { INTROSPECTOR_OPTION_NAMES, type IntrospectorOptions } from './options.js'

/** Options of {@link introspectionBearer}: an introspector (or its options) and how requests are read. */
export type IntrospectionBearerOptions = Omit<BearerMiddlewareOptions, 'maxTokenBytes'> &
  (
    | (IntrospectorOptions & { introspector?: undefined })
    | {
        /** An introspector to share between middlewares and apps. */
        introspector: Introspector
      }
  )

const PACKAGE = '@tokenguard/introspect'
const INTROSPECTION_BEARER_OPTION_NAMES = [
  ...INTROSPECTOR_OPTION_NAMES,
  ...BEARER_MIDDLEWARE_OPTION_NAMES,
  'introspector',
]

/**
 * Express/Connect middleware that accepts an opaque access token by introspecting it
 * (RFC 7662) and sets `req.auth` (`source: 'introspection'`), or passes an `OAuthError`
 * to `next`: 401 for a missing, inactive or unfit token, 503 with `Retry-After` when the
 * endpoint cannot be used.
 *
 * @example
 * app.use('/api', introspectionBearer({
 *   issuer: 'https://login.example.com',
 *   audience: 'https://api.example.com',
 *   clientAuth: { method: 'client_secret_basic', clientId: 'api', clientSecret },
 * }))
 */
export function introspectionBearer(options: IntrospectionBearerOptions): Middleware {
  checkOptionNames(PACKAGE, options, INTROSPECTION_BEARER_OPTION_NAMES)
  const { bearer, rest } = splitBearerOptions(options)
  let introspector: Introspector
  if (rest.introspector !== undefined) {
    const { introspector: shared, ...others } = rest
    if (Object.keys(others).length > 0) {
      throw new TypeError(
        `${PACKAGE}: give either introspector or introspector options (${Object.keys(others).join(', ')}), not both`,
      )
    }
    introspector = shared
  } else {
    // Without `introspector`, what is left is the introspector's options (the union's other arm).
    introspector = createIntrospector(rest as IntrospectorOptions)
  }
  return createBearerMiddleware('introspectionBearerMiddleware', introspector.check, bearer, {
    trusted: introspector.trusted,
  })
}
