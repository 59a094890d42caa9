/**
 * The benchmarks measure the compiled server in `dist/`, which is what `trialdeck serve` runs, not the sources
 * through tsx: tsx compiles with esbuild's keepNames, which renames every function made at run time with an
 * `Object.defineProperty` call, a cost (about 5,000 instructions per closure) that production never pays.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Compiles `src/` into `dist/` (tsc, as `npm run build` does). */
export function buildDist(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  })
}

/** A compiled module of `dist/`, typed as its source: `built<typeof import('../src/app.js')>('app.js')`. */
export async function built<M>(path: string): Promise<M> {
  return (await import(new URL(`../dist/${path}`, import.meta.url).href)) as M
}
