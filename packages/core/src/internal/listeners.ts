/** A small typed event registry: `on` returns a function that stops listening. */
export interface Listeners<Events extends object> {
  readonly on: <E extends keyof Events>(
    event: E,
    listener: (detail: Events[E]) => void,
  ) => () => void
  readonly emit: <E extends keyof Events>(event: E, detail: Events[E]) => void
}

/**
 * Creates a {@link Listeners} registry for metrics and log events. A listener that throws
 * is ignored, so a broken metrics exporter never breaks a request.
 *
 * @example
 * const events = createListeners<{ refresh: { keyCount: number } }>()
 * events.on('refresh', ({ keyCount }) => gauge.set(keyCount))
 */
export function createListeners<Events extends object>(): Listeners<Events> {
  const registry = new Map<keyof Events, Set<(detail: never) => void>>()
  return {
    on(event, listener) {
      const set = registry.get(event) ?? new Set()
      set.add(listener)
      registry.set(event, set)
      return () => {
        set.delete(listener)
      }
    },
    emit<E extends keyof Events>(event: E, detail: Events[E]) {
      for (const listener of registry.get(event) ?? []) {
        try {
          ;(listener as (value: Events[E]) => void)(detail)
        } catch {
          // A failing listener must not break verification.
        }
      }
    },
  }
}
