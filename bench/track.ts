/**
 * Track benchmark, in one run against a real listening server (spawned: `bench/track-server.ts`):
 * - GET subjects of a 50 locations × 260 weeks baseline plan: requests per second as a ratio of a raw
 *   `node:http` server sending the same bytes from the same process (goal ≥ 0.5);
 * - POST of every period's actuals (13,000 CRF periods — same shape as subjects, not yet cached; then units, fees and costs of a ≈100,000-period
 *   plan) as a ratio of the time of an uncached GET of the same resource;
 * - the server's peak memory.
 *
 *   node --import tsx bench/track.ts   (BENCH_SECONDS=2 BENCH_ROUNDS=7 BENCH_CONNECTIONS=10; BENCH_DATABASE_URL=postgres://… for PostgreSQL)
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import pg from 'pg'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

interface AutocannonResult {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number }
  non2xx: number
  errors: number
}
type Autocannon = (o: {
  url: string
  connections: number
  duration: number
  headers: Record<string, string>
}) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const seconds = Number(process.env.BENCH_SECONDS ?? 2)
const rounds = Number(process.env.BENCH_ROUNDS ?? 7)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)

interface Started {
  port: number
  rawPort: number
  headers: Record<string, string>
  weeklyPlanId: number
  monthlyPlanId: number
  bytes: number
  dialect: string
}

const benchSchema = `td_bench_${process.pid}`
const log = (line: string) => process.stderr.write(`${line}\n`)
log('building the plans (50 × 260 weekly periods × 3 series; ≈100,000 monthly periods)…')
const setupStart = performance.now()
const server = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('track-server.ts', import.meta.url))],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_SCHEMA: benchSchema },
  },
)
const started = await new Promise<Started>((resolve, reject) => {
  server.once('exit', (code) => {
    reject(new Error(`benchmark server exited with ${code ?? 'a signal'}`))
  })
  createInterface({ input: server.stdout }).once('line', (line) => {
    resolve(JSON.parse(line) as Started)
  })
})
log(`set up in ${((performance.now() - setupStart) / 1000).toFixed(1)} s on ${started.dialect}`)

const base = `http://127.0.0.1:${started.port}/cleartrial-ws/actuals`
const headers = started.headers

async function rps(url: string): Promise<number> {
  const result = await autocannon({ url, headers, connections, duration: seconds })
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const value = await fn()
  return [value, performance.now() - t0]
}

async function get(planId: number, resource: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/${planId}/${resource}`, { headers })
  if (res.status !== 200) throw new Error(`GET ${resource}: ${res.status}`)
  return (await res.json()) as Record<string, unknown>
}

/** Sets every period's actualValue (and earnedValue of costs) in a representation. */
function fillActuals(node: unknown, costs: boolean, n = { i: 0 }): void {
  if (Array.isArray(node)) for (const v of node) fillActuals(v, costs, n)
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>
    if ('plannedValue' in o) {
      o.actualValue = (n.i++ % 5) + 1
      if (costs) o.earnedValue = (n.i % 3) + 1
      return
    }
    for (const v of Object.values(o)) fillActuals(v, costs, n)
  }
}

async function postAll(
  planId: number,
  resource: string,
): Promise<{ periods: number; getMs: number; postMs: number }> {
  // The first GET of a resource renders it (nothing is cached for it yet): that is the GET time compared.
  const [doc, getMs] = await timed(() => get(planId, resource))
  const n = { i: 0 }
  fillActuals(doc, resource === 'costs', n)
  const body = JSON.stringify(doc)
  const [res, postMs] = await timed(() =>
    fetch(`${base}/${planId}/${resource}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    }),
  )
  if (res.status !== 200)
    throw new Error(`POST ${resource}: ${res.status} ${(await res.text()).slice(0, 500)}`)
  await res.arrayBuffer()
  return { periods: n.i, getMs, postMs }
}

try {
  const subjectsUrl = `${base}/${started.weeklyPlanId}/subjects`
  const rawUrl = `http://127.0.0.1:${started.rawPort}/`
  await rps(subjectsUrl) // warm-up
  await rps(rawUrl)
  // Short interleaved rounds, so that other load on the machine hits both alike; medians of each.
  const ours: number[] = []
  const raw: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < rounds; i++) {
    const a = await rps(subjectsUrl)
    const b = await rps(rawUrl)
    ours.push(a)
    raw.push(b)
    ratios.push(a / b)
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0
  const lines = [
    `GET subjects (50 × 260 periods, ${(started.bytes / 1024).toFixed(0)} KiB): ${median(ours).toFixed(0)} req/s; raw node:http with the same bytes ${median(raw).toFixed(0)} req/s; ratio ${median(ratios).toFixed(2)} (median of ${rounds} interleaved rounds; goal ≥ 0.5)`,
  ]
  for (const [planId, resource] of [
    [started.weeklyPlanId, 'crfs'],
    [started.monthlyPlanId, 'units'],
    [started.monthlyPlanId, 'fees'],
    [started.monthlyPlanId, 'costs'],
  ] as const) {
    const r = await postAll(planId, resource)
    lines.push(
      `POST ${resource}, all ${r.periods} periods: ${r.postMs.toFixed(0)} ms; uncached GET ${r.getMs.toFixed(0)} ms; ratio ${(r.postMs / r.getMs).toFixed(1)}`,
    )
  }
  const memory = (await (await fetch(`http://127.0.0.1:${started.rawPort}/memory`)).json()) as {
    peakRss: number
    maxRss: number
  }
  lines.push(`server peak RSS: ${(Math.max(memory.peakRss, memory.maxRss) / 1024 / 1024).toFixed(0)} MiB`)
  process.stdout.write(
    `Track benchmark (${started.dialect}, ${connections} connections, rounds of ${seconds} s)\n${lines.join('\n')}\n`,
  )
} finally {
  server.kill('SIGTERM')
  await once(server, 'exit')
  const pgUrl = process.env.BENCH_DATABASE_URL
  if (pgUrl?.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: pgUrl })
    await client.connect()
    await client.query(`drop schema if exists ${benchSchema} cascade`)
    await client.end()
  }
}
