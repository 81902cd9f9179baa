let scheduled = false

/**
 * Has Node load the global `fetch` soon after start-up rather than inside the first JWKS
 * request (or introspection call). Node compiles its bundled undici on the first use of `fetch`, `Response` or
 * `Headers`: about 13 ms on the first request, which every request waiting for that first
 * answer would wait for too. Runs once per process, after the work at hand
 * (`setImmediate`), and keeps no process alive. It sends nothing.
 */
export function preloadGlobalFetch(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(() => {
    // `Response` is a lazy global: reading it loads the module that `fetch` runs on.
    void globalThis.Response
  }).unref()
}
