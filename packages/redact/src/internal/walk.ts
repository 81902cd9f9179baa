import { types } from 'node:util'
import { censorValue, type Mask } from './censor.js'
import { PLAIN, SECRET, type KeyClassifier } from './key-kinds.js'
import { censorRawHeaders, isRawHeaders } from './raw-headers.js'
import { defineHidden, setOwn } from './own-properties.js'
import { stepPath, type PathMatch, type PathNode } from './paths.js'
import { summariseHttp } from './http-summary.js'
import type { Scrub } from './scrub-string.js'

/** Written in place of an object already being walked above it. */
export const CIRCULAR = '[Circular]'
/** Written in place of what lies beyond a bound (depth, keys, nodes). */
export const TRUNCATED = '[Truncated]'
/** Written in place of a property whose getter threw, or an object that cannot be read. */
export const UNREADABLE = '[Unreadable]'

/** The bounds of one walk. */
export interface WalkLimits {
  readonly maxDepth: number
  readonly maxKeys: number
  readonly maxNodes: number
  readonly maxStringLength: number
}

/** What a walker needs, compiled once by `createRedactor`. */
export interface WalkConfig {
  readonly classify: KeyClassifier
  readonly scrub: Scrub
  readonly mask: Mask
  readonly limits: WalkLimits
  readonly paths: PathNode | undefined
}

/** Walks a value and answers it redacted: the same value when nothing had to change. */
export interface Walker {
  readonly value: (value: unknown) => unknown
  readonly string: (text: string) => string
}

/**
 * Compiles the walker. It never mutates its input and copies only what changes (copy on
 * write); recursion is bounded by `maxDepth`, so hostile nesting cannot overflow the stack.
 */
export function compileWalker(config: WalkConfig): Walker {
  const { classify, scrub, mask, limits } = config
  const { maxDepth, maxKeys, maxNodes, maxStringLength } = limits
  const rootPaths: PathMatch = config.paths === undefined ? undefined : [config.paths]
  let nodes = 0
  const ancestors: object[] = []
  // Values of the entries being walked, one frame per object on the stack: walking an
  // object that needs no change allocates nothing.
  const scratch: unknown[] = []
  let top = 0
  // Errors this walker copied: a copy handed back (a pino hook redacts an error, then the err
  // serializer gets the copy) is already redacted and comes back as it is, not walked twice.
  const errorCopies = new WeakSet<object>()
  // Whether the entries just walked had a getter (set by walkInto, read by walkEntries).
  let accessorSeen = false

  // Node's rawHeaders: name, value, name, value... A sensitive name censors the value after it.
  function walkRawHeaders(value: readonly string[]): unknown {
    return censorRawHeaders(
      value,
      (name, item) => {
        const kind = classify(name)
        if (kind === PLAIN) return item
        nodes++
        return censorValue(kind, item, mask, maxKeys) as string
      },
      scrubString,
    )
  }

  function scrubString(text: string): string {
    if (text.length <= maxStringLength) return scrub(text)
    // A credential cut in two would match no pattern: the word the cut goes through is dropped.
    let end = maxStringLength
    while (end > 0 && isTokenChar(text.charCodeAt(end - 1))) end--
    return `${scrub(text.slice(0, end))}...${TRUNCATED}`
  }

  function walkValue(value: unknown, depth: number, paths: PathMatch): unknown {
    if (++nodes > maxNodes) return TRUNCATED
    if (typeof value === 'string') return scrubString(value)
    if (typeof value !== 'object' || value === null) return value
    return walkObject(value, depth, paths)
  }

  function walkObject(value: object, depth: number, paths: PathMatch): unknown {
    if (depth >= maxDepth) return TRUNCATED
    if (ancestors.includes(value)) return CIRCULAR
    ancestors.push(value)
    const base = top
    try {
      return walkContainer(value, depth, paths)
    } catch {
      // A throwing getter, a Proxy trap, a hostile toJSON: what cannot be read is not logged.
      return UNREADABLE
    } finally {
      ancestors.pop()
      for (let index = base; index < top; index++) scratch[index] = undefined
      top = base
    }
  }

  function walkContainer(value: object, depth: number, paths: PathMatch): unknown {
    if (Array.isArray(value)) {
      return isRawHeaders(value) ? walkRawHeaders(value) : walkArray(value, depth, paths)
    }
    const proto: unknown = Object.getPrototypeOf(value)
    if (proto === Object.prototype || proto === null) {
      // What JSON.stringify would write is what gets walked: a plain object's toJSON too.
      const { toJSON } = value as { toJSON?: unknown }
      if (typeof toJSON === 'function') {
        return walkValue(Reflect.apply(toJSON, value, ['']), depth + 1, paths)
      }
      return walkEntries(value, Object.keys(value), depth, paths, false)
    }
    // isNativeError also knows errors from another realm (a vm context, a worker's message).
    if (value instanceof Error || types.isNativeError(value)) return walkError(value, depth, paths)
    if (value instanceof Date || value instanceof RegExp) return value
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      return `[Binary: ${value.byteLength} bytes]`
    }
    if (value instanceof Map) return walkMap(value, depth, paths)
    if (value instanceof Set) return walkSet(value, depth)
    const http = summariseHttp(value)
    if (http !== undefined) return walkEntries(http, Object.keys(http), depth, paths, true)
    if (value instanceof String) return scrubString(value.valueOf())
    const { toJSON } = value as { toJSON?: unknown }
    if (typeof toJSON === 'function') {
      // What JSON.stringify would write is what gets scanned (a URL becomes its href).
      return walkValue(Reflect.apply(toJSON, value, ['']), depth + 1, paths)
    }
    // A class instance may compute its fields in getters: it is always copied, so what is
    // logged is exactly what was scanned.
    return walkEntries(value, Object.keys(value), depth, paths, true)
  }

  // Answers the object itself when no entry changed, otherwise a plain copy.
  function walkEntries(
    value: object,
    keys: readonly string[],
    depth: number,
    paths: PathMatch,
    alwaysCopy: boolean,
  ): unknown {
    const base = top
    accessorSeen = false
    const changed = walkInto(value, keys, depth, paths)
    // A getter read again at serialisation could answer something else: copy what was read.
    if (!changed && !alwaysCopy && !accessorSeen) return value
    const copy: Record<string, unknown> = {}
    copyInto(copy, keys, base)
    return copy
  }

  // Walks the entries of `keys` into a new scratch frame, each read once; answers whether any
  // changed (or some were left out).
  function walkInto(value: object, keys: readonly string[], depth: number, paths: PathMatch) {
    const count = Math.min(keys.length, maxKeys)
    const base = top
    top += count
    let changed = keys.length > count
    for (let index = 0; index < count; index++) {
      const key = keys[index] as string
      let original: unknown
      let next: unknown
      try {
        const descriptor = Object.getOwnPropertyDescriptor(value, key)
        if (descriptor?.get !== undefined) accessorSeen = true
        original =
          descriptor === undefined || descriptor.get !== undefined
            ? (value as Record<string, unknown>)[key]
            : descriptor.value
        next = walkEntry(key, original, depth, paths)
      } catch {
        next = UNREADABLE
      }
      if (next !== original) changed = true
      scratch[base + index] = next
    }
    return changed
  }

  function copyInto(target: Record<string, unknown>, keys: readonly string[], base: number): void {
    const count = Math.min(keys.length, maxKeys)
    for (let index = 0; index < count; index++) {
      setOwn(target, keys[index] as string, scratch[base + index])
    }
    if (keys.length > count) target[TRUNCATED] = `${keys.length - count} more keys`
  }

  function walkEntry(key: string, value: unknown, depth: number, paths: PathMatch): unknown {
    let kind = classify(key)
    let childPaths: PathMatch
    if (paths !== undefined && paths !== true) {
      childPaths = stepPath(paths, key)
      if (childPaths === true && kind === PLAIN) kind = SECRET
    }
    // A `tokens` object ({ access, refresh }) holds tokens; a `tokens` count does not.
    if (kind === PLAIN && value !== null && typeof value === 'object' && isTokensKey(key)) {
      kind = SECRET
    }
    if (kind === PLAIN) return walkValue(value, depth + 1, childPaths)
    ++nodes
    return censorValue(kind, value, mask, maxKeys)
  }

  function walkArray(value: readonly unknown[], depth: number, paths: PathMatch): unknown {
    const count = Math.min(value.length, maxKeys)
    const base = top
    top += count
    let changed = value.length > count
    for (let index = 0; index < count; index++) {
      const original = value[index]
      let next: unknown
      const childPaths =
        paths === undefined || paths === true ? undefined : stepPath(paths, String(index))
      if (childPaths === true) {
        ++nodes
        next = censorValue(SECRET, original, mask, maxKeys)
      } else next = walkValue(original, depth + 1, childPaths)
      if (next !== original) changed = true
      scratch[base + index] = next
    }
    if (!changed) return value
    const copy = scratch.slice(base, base + count)
    if (value.length > count) copy.push(`${TRUNCATED} ${value.length - count} more items`)
    return copy
  }

  function walkError(error: Error, depth: number, paths: PathMatch): unknown {
    if (errorCopies.has(error)) return error
    const { message, stack } = error
    const name = Object.hasOwn(error, 'name') ? error.name : undefined
    const nextMessage = walkValue(message, depth + 1, undefined)
    const nextStack = walkValue(stack, depth + 1, undefined)
    const nextName = walkValue(name, depth + 1, undefined)
    let changed = nextMessage !== message || nextStack !== stack || nextName !== name
    const hidden: [string, unknown][] = []
    // `cause` (ES2022) and `errors` (AggregateError) are own but not enumerable.
    for (const key of ['cause', 'errors']) {
      if (!Object.hasOwn(error, key) || Object.prototype.propertyIsEnumerable.call(error, key)) {
        continue
      }
      const original = (error as unknown as Record<string, unknown>)[key]
      const next = walkValue(original, depth + 1, undefined)
      if (next !== original) changed = true
      hidden.push([key, next])
    }
    const keys = Object.keys(error).filter((key) => key !== 'message' && key !== 'stack')
    const base = top
    if (walkInto(error, keys, depth, paths)) changed = true
    if (!changed) return error
    // The copy keeps the prototype, so `instanceof` and serializers that test for an Error
    // (pino's among them) still see one.
    const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Record<
      string,
      unknown
    >
    defineHidden(copy, 'message', nextMessage)
    defineHidden(copy, 'stack', nextStack)
    // An enumerable `name` (a class field) is copied with the other fields.
    if (name !== undefined && !keys.includes('name')) {
      defineHidden(copy, 'name', nextName)
    }
    for (const [key, next] of hidden) {
      defineHidden(copy, key, next)
    }
    copyInto(copy, keys, base)
    errorCopies.add(copy)
    return copy
  }

  function walkMap(value: ReadonlyMap<unknown, unknown>, depth: number, paths: PathMatch): unknown {
    let changed = value.size > maxKeys
    const entries: [unknown, unknown][] = []
    for (const [key, original] of value) {
      if (entries.length >= maxKeys) break
      const nextKey = walkValue(key, depth + 1, undefined)
      const next =
        typeof key === 'string'
          ? walkEntry(key, original, depth, paths)
          : walkValue(original, depth + 1, undefined)
      if (nextKey !== key || next !== original) changed = true
      entries.push([nextKey, next])
    }
    if (!changed) return value
    const copy = new Map(entries)
    if (value.size > maxKeys) copy.set(TRUNCATED, `${value.size - maxKeys} more entries`)
    return copy
  }

  function walkSet(value: ReadonlySet<unknown>, depth: number): unknown {
    let changed = value.size > maxKeys
    const items: unknown[] = []
    for (const original of value) {
      if (items.length >= maxKeys) break
      const next = walkValue(original, depth + 1, undefined)
      if (next !== original) changed = true
      items.push(next)
    }
    if (!changed) return value
    const copy = new Set(items)
    if (value.size > maxKeys) copy.add(`${TRUNCATED} ${value.size - maxKeys} more items`)
    return copy
  }

  return {
    value(value) {
      if (typeof value === 'string') return scrubString(value)
      if (typeof value !== 'object' || value === null) return value
      // A getter may log, and so call back in: the counters of the outer walk are kept.
      const outerNodes = nodes
      nodes = 0
      try {
        return walkObject(value, 0, rootPaths)
      } finally {
        nodes = outerNodes
      }
    },
    string: scrubString,
  }
}

// Characters of a token68, a JWT or a percent-encoded value.
function isTokenChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e || // ~
    code === 0x2b || // +
    code === 0x2f || // /
    code === 0x3d || // =
    code === 0x25 // %
  )
}

function isTokensKey(key: string): boolean {
  return key.length === 6 && key.toLowerCase() === 'tokens'
}
