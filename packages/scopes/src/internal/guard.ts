import type { NextFunction } from '@tokenguard/core'

/**
 * Runs a check and calls `next` once: with nothing when it passes, with its error otherwise.
 * `next` is called outside the `try`, so an error thrown further down the chain is never
 * mistaken for this check's.
 */
export function guard(check: () => Error | undefined, next: NextFunction): void {
  let error: Error | undefined
  try {
    error = check()
  } catch (thrown) {
    error = asError(thrown)
  }
  if (error === undefined) next()
  else next(error)
}

// Express and Connect read a falsy `next(err)` as success, and `next('route')` as a skip, so
// whatever a predicate throws must reach them as an Error.
function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown
  const message = '@tokenguard/scopes: a claim predicate threw a value that is not an Error'
  return new TypeError(message, { cause: thrown })
}
