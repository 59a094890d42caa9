/**
 * Requests per second on one small authenticated GET (/api/v1/me) with Bearer and with Basic, against the same
 * body on a route without authentication, in one run against a real listening server.
 * Goals: Bearer ≥ 0.9× and Basic ≥ 0.8× of no-auth.
 *
 *   npm run bench:auth            (BENCH_SECONDS=1 BENCH_ROUNDS=21 BENCH_CONNECTIONS=20 by default: short interleaved rounds,
 *                                  the median of the ratios within each round; BENCH_VERBOSE=1 prints every round)
 *
 * The server runs with the environment's configuration: `RATE_LIMIT_FIELDS=always npm run bench:auth` measures
 * it with the `RateLimit` field on every response.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { buildDist } from './built.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 1)
const rounds = Number(process.env.BENCH_ROUNDS ?? 21)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20)
const verbose = process.env.BENCH_VERBOSE === '1'

buildDist()
const server = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('auth-server.ts', import.meta.url))],
  { stdio: ['pipe', 'pipe', 'inherit'] },
)
const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]()
const nextLine = async (): Promise<string> => {
  const next = await lines.next()
  if (next.done) throw new Error('the benchmark server stopped')
  return next.value
}
const started = JSON.parse(await nextLine()) as {
  port: number
  code: string
  username: string
  password: string
  token: string
  rateLimitFields: string
}
/** Server CPU time used so far, in µs. */
async function serverCpu(): Promise<number> {
  server.stdin.write('cpu\n')
  return (JSON.parse(await nextLine()) as { cpu: number }).cpu
}

const base = `http://127.0.0.1:${started.port}`
const scenarios = {
  'no auth': { url: `${base}/api/v1/bench/me`, headers: {} },
  Bearer: { url: `${base}/api/v1/me`, headers: { authorization: `Bearer ${started.token}` } },
  Basic: {
    url: `${base}/api/v1/me`,
    headers: {
      authorization: `Basic ${Buffer.from(`${started.username}:${started.password}`).toString('base64')}`,
      customerCode: started.code,
    },
  },
} as const
type Scenario = keyof typeof scenarios
const names = Object.keys(scenarios) as Scenario[]
const goals: Record<Scenario, number> = { 'no auth': 1, Bearer: 0.9, Basic: 0.8 }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

/** Requests per second, and server CPU µs per request. */
async function measure(name: Scenario, duration: number): Promise<{ rps: number; cpu: number }> {
  const { url, headers } = scenarios[name]
  const before = await serverCpu()
  const result = await autocannon({ url, headers, connections, duration })
  const cpu = (await serverCpu()) - before
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx responses and ${result.errors} errors`)
  }
  return { rps: result.requests.average, cpu: cpu / result.requests.total }
}

try {
  for (const name of names) await measure(name, 2) // warm-up
  const rps: Record<Scenario, number[]> = { 'no auth': [], Bearer: [], Basic: [] }
  const cpu: Record<Scenario, number[]> = { 'no auth': [], Bearer: [], Basic: [] }
  // Each round measures every scenario once, in an order that rotates from round to round; a scenario's ratio is
  // taken within each round and the median of those is reported. Pairs measured seconds apart cancel the drift of
  // a shared machine's speed, which moves all figures by as much as 2× from one minute to the next.
  const ratios: Record<Scenario, number[]> = { 'no auth': [], Bearer: [], Basic: [] }
  const cpuRatios: Record<Scenario, number[]> = { 'no auth': [], Bearer: [], Basic: [] }
  for (let r = 0; r < rounds; r++) {
    const round = {} as Record<Scenario, { rps: number; cpu: number }>
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length]!
      round[name] = await measure(name, seconds)
      rps[name].push(round[name].rps)
      cpu[name].push(round[name].cpu)
    }
    for (const name of names) {
      ratios[name].push(round[name].rps / round['no auth'].rps)
      cpuRatios[name].push(round['no auth'].cpu / round[name].cpu)
    }
    if (verbose) {
      const each = names.map((n) => `${n} ${round[n].rps.toFixed(0)} req/s ${round[n].cpu.toFixed(1)} µs`)
      console.log(`round ${r + 1}: ${each.join(', ')}`)
    }
  }
  console.log(
    `GET /api/v1/me vs the same body unauthenticated; ${connections} connections, ${rounds} rounds × ${seconds}s, medians; RATE_LIMIT_FIELDS=${started.rateLimitFields}`,
  )
  console.log('scenario    req/s  ratio (range)        goal         server CPU/request  ratio (by CPU)')
  let failed = false
  for (const name of names) {
    const ratio = median(ratios[name])
    const range = `${Math.min(...ratios[name]).toFixed(2)}–${Math.max(...ratios[name]).toFixed(2)}`
    const ok = ratio >= goals[name]
    failed ||= !ok
    console.log(
      `${name.padEnd(9)} ${median(rps[name]).toFixed(0).padStart(7)}  ${ratio.toFixed(2).padStart(5)} (${range})  ≥ ${goals[name].toFixed(2)} ${(ok ? 'ok' : 'MISSED').padEnd(6)}  ${median(cpu[name]).toFixed(0).padStart(8)} µs  ${median(cpuRatios[name]).toFixed(2).padStart(12)}`,
    )
  }
  process.exitCode = failed ? 1 : 0
} finally {
  server.kill('SIGTERM')
}
