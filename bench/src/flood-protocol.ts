// Messages between the flood client (flood.ts) and its server process (flood-server.ts).

/** Sent once by the server when the API listens. */
export interface FloodReady {
  readonly type: 'ready'
  /** Origin of the PetStore API. */
  readonly url: string
  readonly issuer: string
  readonly audience: string
  /** The `kid` of every key the issuer publishes. */
  readonly kids: readonly string[]
  /** A valid token for `GET /api/pets`, sent now and then as a control. */
  readonly validToken: string
}

/** The server's counters and memory, on request. */
export interface FloodStats {
  readonly type: 'stats'
  readonly rssBytes: number
  /** CPU time the server process used so far (user and system), in ms. */
  readonly cpuMs: number
  readonly heapUsedBytes: number
  /** Requests the issuer saw for its JWKS. */
  readonly jwksFetches: number
  /** Requests the issuer saw for its OpenID Connect metadata. */
  readonly discoveryFetches: number
  /** Introspection calls the issuer answered. */
  readonly introspections: number
  /** Errors that became a 500. */
  readonly serverErrors: number
  /** Failures of the introspection endpoint, by message (each one a 503). */
  readonly upstreamErrors: Readonly<Record<string, number>>
  /** The longest introspection call that succeeded, in ms. */
  readonly slowestIntrospectionMs: number
}

/**
 * What the client asks: counters now, counters after a full GC, a fresh start of the
 * slowest-call and failure records (after the warm-up), or the end.
 */
export type FloodRequest =
  | { readonly type: 'stats' }
  | { readonly type: 'gc' }
  | { readonly type: 'reset' }
  | { readonly type: 'stop' }
