// The parts of oidc-provider 9 the interop tests use: the package ships no types, and the
// suite adds no dependency just for them.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    readonly issuer: string
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }
}
