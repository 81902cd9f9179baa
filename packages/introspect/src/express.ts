import { type BearerMiddlewareOptions, type Middleware } from '@tokenguard/core'
import {
  BEARER_MIDDLEWARE_OPTION_NAMES,
  checkOptionNames,
  createBearerMiddleware,
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
  checkOptionNames(PACKAGE, options, [
    ...INTROSPECTOR_OPTION_NAMES,
    ...BEARER_MIDDLEWARE_OPTION_NAMES,
    'introspector',
  ])
  const { credentialsRequired, realm, setUser, allowBodyToken, allowQueryToken, dpop, ...rest } =
    options
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
    introspector = createIntrospector(rest)
  }
  const maxTokenBytes = 'maxTokenBytes' in rest ? rest.maxTokenBytes : undefined
  return createBearerMiddleware(
    'introspectionBearerMiddleware',
    (token) => introspector.introspect(token),
    {
      ...(credentialsRequired === undefined ? {} : { credentialsRequired }),
      ...(realm === undefined ? {} : { realm }),
      ...(setUser === undefined ? {} : { setUser }),
      ...(allowBodyToken === undefined ? {} : { allowBodyToken }),
      ...(allowQueryToken === undefined ? {} : { allowQueryToken }),
      ...(dpop === undefined ? {} : { dpop }),
      ...(maxTokenBytes === undefined ? {} : { maxTokenBytes }),
    },
  )
}
