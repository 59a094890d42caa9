/**
 * Requests per second on one small authenticated GET (/api/v1/me) with Bearer and with Basic, against the same
 * body on a route without authentication, in one run against a real listening server.
 * Goals: Bearer ≥ 0.9× and Basic ≥ 0.8× of no-auth.
 *
 *   npm run bench:auth            (BENCH_SECONDS=2 BENCH_ROUNDS=9 BENCH_CONNECTIONS=20 by default: short interleaved rounds, medians)
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const seconds = Number(process.env.BENCH_SECONDS ?? 2)
const rounds = Number(process.env.BENCH_ROUNDS ?? 9)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20)

interface Started {
  port: number
  code: string
  username: string
  password: string
  token: string
}

const server = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('auth-server.ts', import.meta.url))],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
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

async function measure(name: Scenario, duration: number): Promise<number> {
  const { url, headers } = scenarios[name]
  const result = await autocannon({ url, headers, connections, duration })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx responses and ${result.errors} errors`)
  }
  return result.requests.average
}

try {
  for (const name of Object.keys(scenarios) as Scenario[]) await measure(name, 2) // warm-up
  const samples: Record<Scenario, number[]> = { 'no auth': [], Bearer: [], Basic: [] }
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(scenarios) as Scenario[]) samples[name].push(await measure(name, seconds))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
  const baseline = median(samples['no auth'])
  const goals: Record<Scenario, number> = { 'no auth': 1, Bearer: 0.9, Basic: 0.8 }
  console.log(
    `GET /api/v1/me vs the same body unauthenticated; ${connections} connections, median of ${rounds} × ${seconds}s`,
  )
  console.log('scenario  req/s     ratio  goal')
  let failed = false
  for (const name of Object.keys(scenarios) as Scenario[]) {
    const rps = median(samples[name])
    const ratio = rps / baseline
    const ok = ratio >= goals[name]
    failed ||= !ok
    console.log(
      `${name.padEnd(9)} ${rps.toFixed(0).padStart(7)}  ${ratio.toFixed(2).padStart(5)}  ≥ ${goals[name].toFixed(2)} ${ok ? 'ok' : 'MISSED'}`,
    )
  }
  process.exitCode = failed ? 1 : 0
} finally {
  server.kill('SIGTERM')
}
