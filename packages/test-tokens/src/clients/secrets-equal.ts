import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Compares two secrets in constant time. Both are hashed with SHA-256 first, so the
 * comparison takes as long whatever their lengths, and neither length leaks.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected))
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}
