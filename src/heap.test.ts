import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setImmediate as tick } from 'node:timers/promises'
import { collectStartupGarbage } from './heap.js'

test('collectStartupGarbage runs a full collection, without exposing gc to the program', async () => {
  // Objects nothing references any more, which only a collection frees (none runs by itself in this short test).
  let garbage: object[] | undefined = Array.from({ length: 10_000 }, (_, i) => ({ i }))
  const ref = new WeakRef(garbage)
  garbage = undefined
  await tick() // a WeakRef keeps its target alive until the job that made it has ended
  collectStartupGarbage()
  assert.equal(ref.deref(), undefined)
  assert.equal((globalThis as { gc?: unknown }).gc, undefined)
  collectStartupGarbage() // and again: the flag was put back, the way to it still works
})
