/**
 * The numeric option checks every package runs at start-up: a value outside its range
 * throws a `RangeError` that names the package and the option, so `timeoutMs: -1` or
 * `maxEntries: NaN` fails before the first request instead of quietly disabling a bound.
 */

/** `value`, or `fallback` when it is `undefined`; throws unless it is a finite number ≥ 0. */
export function nonNegativeNumber(
  packageName: string,
  name: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${packageName}: ${name} must be a non-negative number`)
  }
  return value
}

/**
 * `value`, or `fallback` when it is `undefined`; throws unless it is a finite number > 0
 * and at most `max` (a timer delay, for one, is at most 2^31 - 1 ms).
 */
export function positiveNumber(
  packageName: string,
  name: string,
  value: unknown,
  fallback: number,
  max: number = Number.MAX_VALUE,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value > 0 && value <= max)) {
    const limit = max === Number.MAX_VALUE ? '' : `, at most ${max}`
    throw new RangeError(`${packageName}: ${name} must be a positive number${limit}`)
  }
  return value
}

/** `value`, or `fallback` when it is `undefined`; throws unless it is an integer ≥ 1. */
export function positiveInteger(
  packageName: string,
  name: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${packageName}: ${name} must be a positive integer`)
  }
  return value
}

/** The longest delay `setTimeout` honours, in ms; a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647
