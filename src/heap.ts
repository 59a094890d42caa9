import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * One full garbage collection, for a server that has been built and is about to take traffic.
 *
 * Compiling the routes' schemas (ajv's validators, fast-json-stringify's serialisers) makes thousands of
 * short-lived objects whose first property has a generated name (`_errs43`, `__fjs_root_383`, …). V8 records a
 * transition from the one map all `{}` literals start from for each, up to its limit of 1,536; while that list is
 * full, every `{}` that has a property added gets a map of its own, made from scratch. Node's request headers and
 * fastify's reply headers are such objects, on every request: a small GET then costs ~50% more (callgrind: ~100,000
 * instructions become ~155,000). Only a major collection prunes the dead transitions, and a server
 * under steady load may go minutes without one. Collecting once here costs ~40 ms at start-up.
 */
export function collectStartupGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) {
    // Reaching V8's collector without starting node with --expose-gc, as jest's leak detector does: a context
    // made while the flag is set has `gc`; the flag is put back at once.
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
    setFlagsFromString('--no-expose-gc')
  }
  gc()
}
