import fc from 'fast-check'

/**
 * Runs of every property: a fixed seed so a failure reproduces, and a bounded number of runs
 * so the suite stays quick. A failure prints the seed and the counterexample path.
 */
export const RUNS = { seed: 0x7063_6f6e, numRuns: 500 } as const

/** Fewer runs for properties that go through HTTP. */
export const HTTP_RUNS = { seed: 0x6874_7470, numRuns: 100 } as const

/** Any string: ASCII, control characters, or any code point. */
export const anyString = (maxLength = 200): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
  )

/** An RFC 9110 token: a legal auth-scheme or auth-param name. */
export const rfc9110Token = (maxLength = 20): fc.Arbitrary<string> =>
  fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { maxLength })

/** An RFC 6750 b64token. */
export const b64token = (maxLength = 80): fc.Arbitrary<string> =>
  fc.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/, { maxLength })

/** Base64url text (possibly empty or non-canonical). */
export const base64urlText = (maxLength = 60): fc.Arbitrary<string> =>
  fc.stringMatching(/^[A-Za-z0-9_-]*$/, { maxLength })
