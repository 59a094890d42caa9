/**
 * The fixed cost of the request path, in one run: requests per second of
 *
 *   (a) a bare fastify route answering what /healthz answers      (b) Trialdeck's /healthz
 *   (c) raw node:http sending the bytes of the Track GET below     (d) Trialdeck's Track GET of demo plan 10802
 *       (/cleartrial-ws/actuals/10802/sites, 3.3 KB of JSON)            with Basic   (e) with Bearer
 *
 * and the ratios b/a (goal ≥ 0.8), d/c and e/c (goal ≥ 0.5); first on a fresh server, then again after the same
 * server has served BENCH_WARMUP_SECONDS (300 by default) of mixed traffic: Track GETs and POSTs, Recruit
 * registrations and bookings, and now and then a large report. The baselines run in a process of their own,
 * the load generator (autocannon) in this one.
 *
 *   npm run bench:path      BENCH_SECONDS=1 BENCH_ROUNDS=11 BENCH_CONNECTIONS=20 BENCH_WARMUP_SECONDS=300
 *
 * Each round measures every scenario once, in an order that rotates from round to round; a ratio is taken within
 * a round, and the median over the rounds is reported, with its range: on a shared machine the speed drifts by
 * as much as 2× within a minute, and pairs measured a second apart cancel most of it.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { openSync } from 'node:fs'
import http from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { buildDist } from './built.js'
import { mixedTraffic } from './mixed-traffic.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 1)
const rounds = Number(process.env.BENCH_ROUNDS ?? 11)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20)
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 300)
const verbose = process.env.BENCH_VERBOSE === '1'

buildDist()
const script = fileURLToPath(new URL('request-path-server.ts', import.meta.url))
const logFile = join(tmpdir(), `td-request-path-${process.pid}.log`)

function start(kind: 'trialdeck' | 'baseline'): ChildProcess {
  // Trialdeck logs as in production, on stdout: here into a file, as a process manager would take it.
  const stdout = kind === 'trialdeck' ? openSync(logFile, 'w') : 'ignore'
  return fork(script, [kind], { execArgv: ['--import', 'tsx'], stdio: ['ignore', stdout, 'inherit', 'ipc'] })
}
function next<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (!(key in m)) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(m[key] as T)
    }
    const onExit = () => {
      reject(new Error('a benchmark server stopped'))
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

const app = start('trialdeck')
const ready = await next<{ port: number; token: string; logLevel: string }>(app, 'ready')
const base = `http://127.0.0.1:${ready.port}`
const basic = {
  authorization: `Basic ${Buffer.from('demo:p@55w0rd').toString('base64')}`,
  customerCode: 'DEMO',
}
const bearer = { authorization: `Bearer ${ready.token}` }
const TRACK = '/cleartrial-ws/actuals/10802/sites'

/** The Track GET as autocannon receives it: no Accept-Encoding, so uncompressed. */
const track = await new Promise<{ body: string; contentType: string }>((resolve, reject) => {
  http
    .get(`${base}${TRACK}`, { headers: basic }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`Track GET answered ${res.statusCode}: ${body}`))
        else resolve({ body, contentType: String(res.headers['content-type']) })
      })
    })
    .on('error', reject)
})
const baselines = start('baseline')
baselines.send({ track })
const ports = await next<{ fastify: number; raw: number }>(baselines, 'ready')

const scenarios = {
  'a fastify /healthz': { server: baselines, url: `http://127.0.0.1:${ports.fastify}/healthz`, headers: {} },
  'b Trialdeck /healthz': { server: app, url: `${base}/healthz`, headers: {} },
  'c node:http Track': { server: baselines, url: `http://127.0.0.1:${ports.raw}${TRACK}`, headers: {} },
  'd Track Basic': { server: app, url: `${base}${TRACK}`, headers: basic },
  'e Track Bearer': { server: app, url: `${base}${TRACK}`, headers: bearer },
}
type Scenario = keyof typeof scenarios
const names = Object.keys(scenarios) as Scenario[]
const RATIOS = [
  { name: 'b/a  /healthz vs bare fastify', of: 'b Trialdeck /healthz', to: 'a fastify /healthz', goal: 0.8 },
  { name: 'd/c  Track GET Basic vs node:http', of: 'd Track Basic', to: 'c node:http Track', goal: 0.5 },
  { name: 'e/c  Track GET Bearer vs node:http', of: 'e Track Bearer', to: 'c node:http Track', goal: 0.5 },
] as const
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

async function cpuOf(server: ChildProcess): Promise<number> {
  const answer = next<number>(server, 'cpu')
  server.send('cpu')
  return answer
}

/** Requests per second, and the server's CPU µs per request. */
async function measure(name: Scenario, duration: number): Promise<{ rps: number; cpu: number }> {
  const { server, url, headers } = scenarios[name]
  const before = await cpuOf(server)
  const result = await autocannon({ url, headers, connections, duration })
  const cpu = (await cpuOf(server)) - before
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx responses and ${result.errors} errors`)
  }
  return { rps: result.requests.average, cpu: cpu / result.requests.total }
}

interface Phase {
  rps: Record<Scenario, number[]>
  cpu: Record<Scenario, number[]>
  ratios: number[][]
  /** The same ratios by server CPU time per request (baseline's / Trialdeck's): what machine load distorts least. */
  cpuRatios: number[][]
  load: number
}
async function phase(label: string): Promise<Phase> {
  for (const name of names) await measure(name, 1) // JIT and caches, not reported
  const rps = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Scenario, number[]>
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Scenario, number[]>
  const ratios = RATIOS.map(() => [] as number[])
  const cpuRatios = RATIOS.map(() => [] as number[])
  for (let r = 0; r < rounds; r++) {
    const round = {} as Record<Scenario, { rps: number; cpu: number }>
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length]!
      round[name] = await measure(name, seconds)
      rps[name].push(round[name].rps)
      cpu[name].push(round[name].cpu)
    }
    RATIOS.forEach((q, i) => {
      ratios[i]!.push(round[q.of].rps / round[q.to].rps)
      cpuRatios[i]!.push(round[q.to].cpu / round[q.of].cpu)
    })
    if (verbose)
      console.log(`${label} round ${r + 1}: ${names.map((n) => round[n].rps.toFixed(0)).join(', ')}`)
  }
  return { rps, cpu, ratios, cpuRatios, load: loadavg()[0]! }
}

function report(label: string, p: Phase): boolean {
  console.log(`\n${label} (load average ${p.load.toFixed(2)} at its end)`)
  console.log('scenario                 req/s   server CPU/request')
  for (const name of names) {
    console.log(
      `${name.padEnd(22)} ${median(p.rps[name]).toFixed(0).padStart(7)}   ${median(p.cpu[name]).toFixed(1).padStart(6)} µs`,
    )
  }
  console.log(
    'ratio                                  req/s: median (range)   goal          by CPU: median (range)',
  )
  let ok = true
  RATIOS.forEach((q, i) => {
    const xs = p.ratios[i]!
    const m = median(xs)
    ok &&= m >= q.goal
    const range = (ys: number[]) => `${Math.min(...ys).toFixed(2)}–${Math.max(...ys).toFixed(2)}`
    const byCpu = p.cpuRatios[i]!
    console.log(
      `${q.name.padEnd(38)} ${m.toFixed(2)} (${range(xs)})        ≥ ${q.goal.toFixed(2)} ${(m >= q.goal ? 'ok' : 'MISSED').padEnd(6)}  ${median(byCpu).toFixed(2)} (${range(byCpu)})`,
    )
  })
  return ok
}

try {
  console.log(
    `Trialdeck LOG_LEVEL=${ready.logLevel}, SQLite; ${connections} connections, ${rounds} rounds × ${seconds}s per phase; load average ${loadavg()[0]!.toFixed(2)} at the start`,
  )
  const fresh = await phase('fresh')
  const traffic = await mixedTraffic(base, { basic, bearer }, warmupSeconds)
  const warm = await phase('warm')
  const okFresh = report('fresh process', fresh)
  console.log(`\nmixed traffic for ${warmupSeconds}s: ${traffic}`)
  const okWarm = report(`after ${warmupSeconds}s of mixed traffic`, warm)
  process.exitCode = okFresh && okWarm ? 0 : 1
} finally {
  app.kill('SIGTERM')
  baselines.kill('SIGTERM')
}
