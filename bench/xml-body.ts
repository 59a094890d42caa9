/**
 * XML bodies: peak memory and event-loop health while hostile 30 MB XML bodies arrive three at a time.
 *
 * Builds `dist/`, seeds the demo data set into a fresh SQLite file and starts the compiled server
 * (`trialdeck serve`) in its own process. It measures, in the same run, the idle baseline (resident memory and the
 * median `/healthz` latency) and then, for each body shape, three concurrent POSTs of the body to
 * `/cleartrial-ws/actuals/10802/sites` as the demo user while `/healthz` is polled every 10 ms. Reported: the
 * server's peak resident memory (VmHWM) and the `/healthz` latencies during the uploads, absolute and as ratios to
 * the idle baseline. Targets (issue #18): peak RSS under 300 MB, `/healthz` under 100 ms.
 *
 *   npm run bench:xml            BENCH_PORT (8113), BENCH_MB (30) to change them
 */
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildDist } from './built.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = Number(process.env.BENCH_PORT ?? 8113)
const megabytes = Number(process.env.BENCH_MB ?? 30)
const size = megabytes * 1024 * 1024
const auth = `Basic ${Buffer.from('demo:p@55w0rd').toString('base64')}`

buildDist()
const env = {
  ...process.env,
  DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'trialdeck-xml-bench-')), 'bench.db')}`,
  PORT: String(port),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MAX: '1000000',
}
execFileSync(process.execPath, ['bin/trialdeck.js', 'seed', 'demo'], { cwd: root, env, stdio: 'ignore' })
const server = spawn(process.execPath, ['bin/trialdeck.js', 'serve'], { cwd: root, env, stdio: 'inherit' })
const pid = server.pid ?? 0

function memory(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

function send(
  method: string,
  path: string,
  body?: Buffer,
  type?: string,
): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          authorization: auth,
          customercode: 'DEMO',
          ...(body ? { 'content-type': type ?? 'application/xml', 'content-length': body.length } : {}),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started })
        })
      },
    )
    // The server answers a refused body before reading all of it; a write after that may fail, which is fine.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET')
        resolve({ status: -1, ms: performance.now() - started })
      else reject(err)
    })
    req.end(body)
  })
}

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await send('GET', '/healthz')).status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('the server did not start')
}

/** The server's CPU time so far (user + system), in ms. */
function cpuMs(): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0)

/** `/healthz` every 10 ms until `done` settles; the latencies seen. */
async function pollHealth(done: Promise<unknown>): Promise<number[]> {
  let finished = false
  void done.finally(() => (finished = true))
  const latencies: number[] = []
  while (!finished) {
    latencies.push((await send('GET', '/healthz')).ms)
    await new Promise((r) => setTimeout(r, 10))
  }
  return latencies
}

/** Bodies of about `size` bytes, each hostile in one way. */
const BODIES: Record<string, () => Buffer> = {
  'many elements (3.8 M <a>1</a>)': () => {
    const unit = '<a>1</a>'
    return Buffer.from(`<actualSites>${unit.repeat(Math.floor((size - 27) / unit.length))}</actualSites>`)
  },
  'one text node': () => Buffer.from(`<actualSites><a>${'x'.repeat(size - 33)}</a></actualSites>`),
  'deep nesting': () => {
    const n = Math.floor(size / 7)
    return Buffer.from(`${'<a>'.repeat(n)}${'</a>'.repeat(n)}`)
  },
}

try {
  await waitForServer()
  for (let i = 0; i < 50; i++) await send('GET', '/healthz')
  const idleLatencies: number[] = []
  for (let i = 0; i < 100; i++) idleLatencies.push((await send('GET', '/healthz')).ms)
  const idle = memory()
  const idleMs = median(idleLatencies)
  console.log(
    `idle: RSS ${idle.rss.toFixed(0)} MB (peak so far ${idle.peak.toFixed(0)} MB), /healthz median ${idleMs.toFixed(2)} ms`,
  )
  console.log(
    `\n| body (${megabytes} MB × 3 at once) | statuses | upload time | server CPU | peak RSS | peak / idle | /healthz median | /healthz max | max / idle median |`,
  )
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const [name, make] of Object.entries(BODIES)) {
    const body = make()
    const started = performance.now()
    const cpuBefore = cpuMs()
    const uploads = Promise.all([0, 1, 2].map(() => send('POST', '/cleartrial-ws/actuals/10802/sites', body)))
    const latencies = await pollHealth(uploads)
    const results = await uploads
    const elapsed = performance.now() - started
    const cpu = cpuMs() - cpuBefore
    const m = memory()
    console.log(
      `| ${name} | ${results.map((r) => r.status).join(' ')} | ${elapsed.toFixed(0)} ms | ${cpu.toFixed(0)} ms | ` +
        `${m.peak.toFixed(0)} MB | ` +
        `${(m.peak / idle.rss).toFixed(2)} | ${median(latencies).toFixed(1)} ms | ${max(latencies).toFixed(1)} ms | ` +
        `${(max(latencies) / idleMs).toFixed(1)} |`,
    )
  }
} finally {
  server.kill('SIGTERM')
}
