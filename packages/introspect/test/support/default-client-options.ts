import { DEFAULT_TEST_CLIENT, type TestIssuer } from '@tokenguard/test-tokens'
import type { IntrospectorOptions } from '../../src/index.js'

/**
 * Introspector options for `issuer`, asking as the test issuer's default client with
 * `client_secret_basic`; `extra` overrides any of them.
 */
export function defaultClientOptions<Extra extends object = Partial<IntrospectorOptions>>(
  issuer: Pick<TestIssuer, 'issuer' | 'audience'>,
  extra?: Extra,
): IntrospectorOptions & Extra {
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    clientAuth: {
      method: 'client_secret_basic',
      clientId: DEFAULT_TEST_CLIENT.client_id,
      clientSecret: DEFAULT_TEST_CLIENT.client_secret ?? '',
    },
    ...(extra as Extra),
  }
}
