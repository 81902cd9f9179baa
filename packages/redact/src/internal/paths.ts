/** A node of the compiled user paths: a trie, one level per key. */
export interface PathNode {
  readonly children: ReadonlyMap<string, PathNode>
  /** The child a `*` segment leads to: any key or index. */
  readonly any: PathNode | undefined
  /** A path ends here: the value at this node is redacted whole. */
  readonly terminal: boolean
}

/** The nodes a walk is at, or `true` once a path matched, or `undefined` when none can. */
export type PathMatch = readonly PathNode[] | true | undefined

interface MutableNode {
  children: Map<string, MutableNode>
  any: MutableNode | undefined
  terminal: boolean
}

// `a.b`, `a["b-c"]`, `a['b']`, `a[0]`, `a[*]`, `a.*`
const SEGMENT = /\.?([^.[\]"']+)|\[(?:"([^"]*)"|'([^']*)'|(\*|\d+))\]/y

/**
 * Parses a path as pino writes them (`req.headers["x-token"]`, `users[*].ssn`, `*.secret`)
 * into its keys. Throws a `TypeError` that says what is wrong.
 */
export function parsePath(packageName: string, path: string): string[] {
  const segments: string[] = []
  SEGMENT.lastIndex = 0
  while (SEGMENT.lastIndex < path.length) {
    const start = SEGMENT.lastIndex
    const match = SEGMENT.exec(path)
    // A leading dot, or a segment that does not start right after the previous one, is malformed.
    if (match === null || (start === 0 && path.startsWith('.'))) {
      throw new TypeError(
        `${packageName}: path "${path.slice(0, 64)}" is malformed at character ${start + 1}; ` +
          `write paths as a.b, a["b-c"], a[0] or a[*]`,
      )
    }
    segments.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '')
  }
  if (segments.length === 0) throw new TypeError(`${packageName}: a path cannot be empty`)
  return segments
}

/** Compiles the paths into a trie, or `undefined` when there are none. */
export function compilePaths(packageName: string, paths: readonly string[]): PathNode | undefined {
  if (paths.length === 0) return undefined
  const root = createNode()
  for (const path of paths) {
    let node = root
    for (const segment of parsePath(packageName, path)) {
      if (segment === '*') node = node.any ??= createNode()
      else {
        let child = node.children.get(segment)
        if (child === undefined) node.children.set(segment, (child = createNode()))
        node = child
      }
    }
    node.terminal = true
  }
  return root
}

/** Where the walk is after stepping into `key` (a property name or an array index). */
export function stepPath(nodes: readonly PathNode[], key: string): PathMatch {
  let next: PathNode[] | undefined
  for (const node of nodes) {
    const exact = node.children.get(key)
    for (const child of [exact, node.any]) {
      if (child === undefined) continue
      if (child.terminal) return true
      ;(next ??= []).push(child)
    }
  }
  return next
}

function createNode(): MutableNode {
  return { children: new Map(), any: undefined, terminal: false }
}
