import { errorLike } from '@tokenguard/test-support/errors'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import {
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  type Middleware,
  type ProtectedResourceMetadataOptions,
} from '@tokenguard/core'
import { frameworks, serve, type LocalServer } from '@tokenguard/test-support/serve'

const WELL_KNOWN = '/.well-known/oauth-protected-resource'

const full: ProtectedResourceMetadataOptions = {
  resource: 'https://api.example.com',
  authorization_servers: ['https://login.example.com/', 'https://idp.example.org/tenant-1'],
  jwks_uri: 'https://api.example.com/jwks.json',
  scopes_supported: ['read:pets', 'write:pets'],
  bearer_methods_supported: ['header', 'query'],
  resource_signing_alg_values_supported: ['ES256'],
  resource_name: 'PetStore API',
  resource_documentation: 'https://docs.example.com/petstore',
  resource_policy_uri: 'https://example.com/policy',
  resource_tos_uri: 'https://example.com/tos',
  tls_client_certificate_bound_access_tokens: false,
  authorization_details_types_supported: ['pet_adoption'],
  dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
  dpop_bound_access_tokens_required: true,
  signed_metadata: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln',
  additionalMetadata: { resource_name_fr: 'API PetStore', rate_limits: { perMinute: 60 } },
  cacheMaxAgeSec: 600,
}

// The exact bytes of the document: members in the order of RFC 9728 §2, then the extras.
const FULL_JSON =
  '{"resource":"https://api.example.com",' +
  '"authorization_servers":["https://login.example.com/","https://idp.example.org/tenant-1"],' +
  '"jwks_uri":"https://api.example.com/jwks.json",' +
  '"scopes_supported":["read:pets","write:pets"],' +
  '"bearer_methods_supported":["header","query"],' +
  '"resource_signing_alg_values_supported":["ES256"],' +
  '"resource_name":"PetStore API",' +
  '"resource_documentation":"https://docs.example.com/petstore",' +
  '"resource_policy_uri":"https://example.com/policy",' +
  '"resource_tos_uri":"https://example.com/tos",' +
  '"tls_client_certificate_bound_access_tokens":false,' +
  '"authorization_details_types_supported":["pet_adoption"],' +
  '"dpop_signing_alg_values_supported":["ES256","EdDSA"],' +
  '"dpop_bound_access_tokens_required":true,' +
  '"signed_metadata":"eyJhbGciOiJFUzI1NiJ9.e30.c2ln",' +
  '"resource_name_fr":"API PetStore",' +
  '"rate_limits":{"perMinute":60}}'

const notFound: Middleware = (_req, res) => {
  res.statusCode = 404
  res.end('route')
}

let server: LocalServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('protectedResourceMetadataUrl', () => {
  it('appends the well-known path to a resource without a path', () => {
    expect(protectedResourceMetadataUrl('https://api.example.com')).toBe(
      `https://api.example.com${WELL_KNOWN}`,
    )
  })

  it('drops the terminating slash after the host before inserting (RFC 9728 §3.1)', () => {
    expect(protectedResourceMetadataUrl('https://api.example.com/')).toBe(
      `https://api.example.com${WELL_KNOWN}`,
    )
  })

  it('inserts the well-known segment between the host and the path', () => {
    expect(protectedResourceMetadataUrl('https://api.example.com/api')).toBe(
      `https://api.example.com${WELL_KNOWN}/api`,
    )
    expect(protectedResourceMetadataUrl('https://api.example.com/v1/pets/')).toBe(
      `https://api.example.com${WELL_KNOWN}/v1/pets/`,
    )
  })

  it('keeps a port, and allows http on localhost', () => {
    expect(protectedResourceMetadataUrl('https://api.example.com:8443/api')).toBe(
      `https://api.example.com:8443${WELL_KNOWN}/api`,
    )
    expect(protectedResourceMetadataUrl('http://localhost:3000')).toBe(
      `http://localhost:3000${WELL_KNOWN}`,
    )
  })

  it('throws a TypeError prefixed @tokenguard/core for a resource that is not an https identifier', () => {
    const cases: [unknown, string][] = [
      ['http://api.example.com', 'must use https (http is allowed only on localhost)'],
      ['ftp://api.example.com', 'must use https'],
      ['/api', 'must be an absolute URL'],
      ['https://api.example.com/api?v=1', 'must not have a query or a fragment'],
      ['https://api.example.com/#top', 'must not have a query or a fragment'],
      ['https://user:pw@api.example.com', 'must not carry credentials'],
      [undefined, 'must be a URL string'],
    ]
    for (const [resource, problem] of cases) {
      expect(() => protectedResourceMetadataUrl(resource as string)).toThrow(
        errorLike(TypeError, `@tokenguard/core: protectedResourceMetadataUrl resource ${problem}`),
      )
    }
  })
})

describe.each(frameworks)('protectedResourceMetadata on $name', (framework) => {
  const start = async (options: ProtectedResourceMetadataOptions): Promise<string> => {
    server = await serve(framework.app([protectedResourceMetadata(options), notFound]))
    return server.url
  }

  it('answers GET on the well-known path with the exact JSON document', async () => {
    const url = await start(full)
    const response = await fetch(`${url}${WELL_KNOWN}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('public, max-age=600')
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(FULL_JSON)))
    expect(await response.text()).toBe(FULL_JSON)
  })

  it('serves resource and bearer_methods_supported ["header"] by default, cached for an hour', async () => {
    const url = await start({ resource: 'https://api.example.com' })
    const response = await fetch(`${url}${WELL_KNOWN}`)
    expect(await response.text()).toBe(
      '{"resource":"https://api.example.com","bearer_methods_supported":["header"]}',
    )
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600')
  })

  it('serves a resource with a path at the path-inserted well-known URL only', async () => {
    const url = await start({ resource: 'https://api.example.com/api' })
    const response = await fetch(`${url}${WELL_KNOWN}/api`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      resource: 'https://api.example.com/api',
      bearer_methods_supported: ['header'],
    })
    const root = await fetch(`${url}${WELL_KNOWN}`)
    expect(root.status).toBe(404)
    expect(await root.text()).toBe('route')
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const url = await start(full)
    const response = await fetch(`${url}${WELL_KNOWN}`, { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(FULL_JSON)))
    expect(response.headers.get('cache-control')).toBe('public, max-age=600')
    expect(await response.text()).toBe('')
  })

  it('answers 405 with Allow: GET, HEAD to other methods on the well-known path', async () => {
    const url = await start(full)
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await fetch(`${url}${WELL_KNOWN}`, { method })
      expect(response.status).toBe(405)
      expect(response.headers.get('allow')).toBe('GET, HEAD')
      expect(await response.text()).toBe('')
    }
  })

  it('calls next() for every other path', async () => {
    const url = await start({ resource: 'https://api.example.com' })
    for (const path of [
      '/',
      '/pets',
      `${WELL_KNOWN}/`,
      `${WELL_KNOWN}-x`,
      `${WELL_KNOWN}/api`,
      '/.well-known/oauth-authorization-server',
    ]) {
      const response = await fetch(`${url}${path}`)
      expect(response.status).toBe(404)
      expect(await response.text()).toBe('route')
    }
  })

  it('ignores the query string of the request', async () => {
    const url = await start({ resource: 'https://api.example.com' })
    expect((await fetch(`${url}${WELL_KNOWN}?x=1`)).status).toBe(200)
  })
})

describe('protectedResourceMetadata', () => {
  it('matches the full path when Express mounts it under a prefix', async () => {
    const app = express()
    app.use('/.well-known', protectedResourceMetadata({ resource: 'https://api.example.com/v1' }))
    server = await serve(app)
    expect((await fetch(`${server.url}${WELL_KNOWN}/v1`)).status).toBe(200)
  })

  it('is a three-parameter function named protectedResourceMetadataMiddleware', () => {
    const middleware = protectedResourceMetadata({ resource: 'https://api.example.com' })
    expect(middleware.name).toBe('protectedResourceMetadataMiddleware')
    expect(middleware).toHaveLength(3)
  })

  it('serialises the document once, so changing the options later changes nothing', async () => {
    const scopes = ['read:pets']
    const middleware = protectedResourceMetadata({
      resource: 'https://api.example.com',
      scopes_supported: scopes,
    })
    scopes.push('admin')
    server = await serve(frameworks[0]!.app([middleware]))
    const document = (await (await fetch(`${server.url}${WELL_KNOWN}`)).json()) as {
      scopes_supported: string[]
    }
    expect(document.scopes_supported).toEqual(['read:pets'])
  })

  it('keeps a __proto__ member of additionalMetadata as a member and pollutes nothing', async () => {
    const additionalMetadata = JSON.parse('{"__proto__":{"polluted":true}}') as Record<
      string,
      unknown
    >
    server = await serve(
      frameworks[0]!.app([
        protectedResourceMetadata({ resource: 'https://api.example.com', additionalMetadata }),
      ]),
    )
    expect(await (await fetch(`${server.url}${WELL_KNOWN}`)).text()).toBe(
      '{"resource":"https://api.example.com","bearer_methods_supported":["header"],' +
        '"__proto__":{"polluted":true}}',
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('accepts http resources and authorization servers on localhost', () => {
    expect(() =>
      protectedResourceMetadata({
        resource: 'http://127.0.0.1:3000',
        authorization_servers: ['http://localhost:4000'],
      }),
    ).not.toThrow()
  })

  describe('configuration errors', () => {
    const create = (options: Record<string, unknown>) => () => {
      const all: Record<string, unknown> = { resource: 'https://api.example.com', ...options }
      return protectedResourceMetadata(all as unknown as ProtectedResourceMetadataOptions)
    }
    const prefix = '@tokenguard/core: protectedResourceMetadata'

    it('requires a resource', () => {
      expect(() => protectedResourceMetadata({} as ProtectedResourceMetadataOptions)).toThrow(
        errorLike(
          TypeError,
          `${prefix} resource is required: the resource's identifier, e.g. 'https://api.example.com'`,
        ),
      )
      expect(() => protectedResourceMetadata(null as never)).toThrow(
        errorLike(TypeError, '@tokenguard/core: options must be an object'),
      )
    })

    it('refuses a resource that is not an https identifier', () => {
      expect(create({ resource: 'http://api.example.com' })).toThrow(
        errorLike(
          TypeError,
          `${prefix} resource must use https (http is allowed only on localhost)`,
        ),
      )
      expect(create({ resource: 'https://api.example.com/?a=b' })).toThrow(
        errorLike(TypeError, `${prefix} resource must not have a query or a fragment`),
      )
      expect(create({ resource: 'api.example.com' })).toThrow(
        errorLike(TypeError, `${prefix} resource must be an absolute URL`),
      )
    })

    it('refuses authorization servers that are not an array of https issuers', () => {
      expect(create({ authorization_servers: 'https://login.example.com' })).toThrow(
        errorLike(TypeError, `${prefix} authorization_servers must be an array`),
      )
      expect(create({ authorization_servers: ['http://login.example.com'] })).toThrow(
        errorLike(TypeError, `${prefix} authorization_servers must use https`),
      )
      expect(create({ authorization_servers: ['https://login.example.com#x'] })).toThrow(
        errorLike(TypeError, `${prefix} authorization_servers must not have a query or a fragment`),
      )
      expect(
        create({ authorization_servers: ['https://a.example.com', 'https://a.example.com'] }),
      ).toThrow(errorLike(TypeError, `${prefix} authorization_servers must not repeat a value`))
    })

    it('refuses URLs that are not https for jwks_uri and the documentation links', () => {
      for (const name of [
        'jwks_uri',
        'resource_documentation',
        'resource_policy_uri',
        'resource_tos_uri',
      ]) {
        expect(create({ [name]: 'http://example.com/x' })).toThrow(
          errorLike(TypeError, `${prefix} ${name} must use https`),
        )
      }
    })

    it('refuses scopes that are not scope tokens', () => {
      for (const scope of ['read pets', '', 'a"b', 7]) {
        expect(create({ scopes_supported: [scope] })).toThrow(
          errorLike(TypeError, `${prefix} scopes_supported must hold scope tokens`),
        )
      }
    })

    it('refuses bearer methods other than header, body and query', () => {
      expect(create({ bearer_methods_supported: ['cookie'] })).toThrow(
        errorLike(
          TypeError,
          `${prefix} bearer_methods_supported must hold only 'header', 'body' or 'query' (RFC 6750 §2)`,
        ),
      )
    })

    it('accepts an empty bearer_methods_supported, which RFC 9728 gives a meaning', async () => {
      server = await serve(
        frameworks[0]!.app([
          protectedResourceMetadata({
            resource: 'https://api.example.com',
            bearer_methods_supported: [],
          }),
        ]),
      )
      expect(await (await fetch(`${server.url}${WELL_KNOWN}`)).json()).toEqual({
        resource: 'https://api.example.com',
        bearer_methods_supported: [],
      })
    })

    it('refuses none as a signing algorithm, and symmetric algorithms for DPoP', () => {
      expect(create({ resource_signing_alg_values_supported: ['none'] })).toThrow(
        errorLike(
          TypeError,
          `${prefix} resource_signing_alg_values_supported must not list "none"`,
        ),
      )
      expect(create({ dpop_signing_alg_values_supported: ['ES256', 'HS256'] })).toThrow(
        errorLike(TypeError, `${prefix} dpop_signing_alg_values_supported must not list "HS256"`),
      )
    })

    it('refuses booleans given as something else, and empty strings', () => {
      expect(create({ dpop_bound_access_tokens_required: 'true' })).toThrow(
        errorLike(TypeError, `${prefix} dpop_bound_access_tokens_required must be true or false`),
      )
      expect(create({ resource_name: '' })).toThrow(
        errorLike(TypeError, `${prefix} resource_name must be a non-empty string`),
      )
    })

    it('refuses a cacheMaxAgeSec that is not a whole number of seconds', () => {
      for (const cacheMaxAgeSec of [-1, 1.5, Number.NaN, '60']) {
        expect(create({ cacheMaxAgeSec })).toThrow(
          errorLike(TypeError, `${prefix} cacheMaxAgeSec must be a whole number`),
        )
      }
    })

    it('refuses additionalMetadata that sets a standard member or is not JSON', () => {
      expect(create({ additionalMetadata: { resource: 'https://evil.example' } })).toThrow(
        errorLike(
          TypeError,
          `${prefix} additionalMetadata must not set resource; use the resource option`,
        ),
      )
      expect(create({ additionalMetadata: { count: 1n } })).toThrow(
        errorLike(TypeError, `${prefix} additionalMetadata.count must be a JSON value`),
      )
      expect(create({ additionalMetadata: { fn: () => 1 } })).toThrow(
        errorLike(TypeError, /must be a JSON value/),
      )
      expect(create({ additionalMetadata: ['x'] })).toThrow(
        errorLike(TypeError, `${prefix} additionalMetadata must be an object of further members`),
      )
    })

    it('names a typo, camelCase included, with the closest option', () => {
      expect(create({ authorization_server: ['https://login.example.com'] })).toThrow(
        errorLike(
          TypeError,
          '@tokenguard/core: unknown option "authorization_server". Did you mean "authorization_servers"?',
        ),
      )
      expect(create({ scopesSupported: ['a'] })).toThrow(
        errorLike(TypeError, /Did you mean "scopes_supported"\?/),
      )
    })
  })
})
