import type { StatusCounts } from './protocol.js'

/** tokenguard's JWKS cache defaults, for the bound of the unknown-kid flood. */
export const COOLDOWN_SEC = 30
export const FETCH_BUDGET_PER_MINUTE = 10
/** Most RSS growth allowed after the garbage tokens. */
export const MEMORY_TARGET_MB = 50

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Relative spread of repetitions, (max - min) / median, as a percentage string. */
export function spread(values: readonly number[]): string {
  const mid = median(values)
  if (mid === 0) return '-'
  return `±${Math.round(((Math.max(...values) - Math.min(...values)) / mid / 2) * 100)}%`
}

/**
 * The median of the per-repetition ratios `a[i] / b[i]`, or NaN when either is missing:
 * both figures of a ratio come from the same repetition, measured within seconds of each
 * other, so load that comes and goes on a shared machine cancels out.
 */
export function ratioOf(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
): number {
  if (a === undefined || b === undefined) return Number.NaN
  const count = Math.min(a.length, b.length)
  if (count === 0) return Number.NaN
  return median(Array.from({ length: count }, (_, i) => a[i]! / b[i]!))
}

/**
 * The per-repetition ratios `a[i] / b[i]`: their median (as {@link ratioOf}) and their spread,
 * for a target that says how steady its ratio was.
 */
export function ratiosOf(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
): { readonly value: number; readonly spread: string } {
  if (a === undefined || b === undefined) return { value: Number.NaN, spread: '-' }
  const count = Math.min(a.length, b.length)
  if (count === 0) return { value: Number.NaN, spread: '-' }
  const ratios = Array.from({ length: count }, (_, i) => a[i]! / b[i]!)
  return { value: median(ratios), spread: spread(ratios) }
}

/** `list` rotated left by `by`: a different task goes first in each repetition. */
export function rotate<T>(list: readonly T[], by: number): T[] {
  const shift = ((by % list.length) + list.length) % list.length
  return [...list.slice(shift), ...list.slice(0, shift)]
}

/** Whole operations per second with thousands separators. */
export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** A ratio with two decimals and a `×`. */
export function formatRatio(value: number): string {
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(2)}×`
}

/** A Markdown table, with columns padded so it also reads well in a terminal. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  )
}

/** Status counts, most frequent first: `200×10 503×2`. */
export function statuses(counts: StatusCounts): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1])
  return entries.length === 0 ? '-' : entries.map(([status, n]) => `${status}×${n}`).join(' ')
}

/** Megabytes with one decimal. */
export const mb = (value: number): string => `${value.toFixed(1)} MB`
