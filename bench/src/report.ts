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
