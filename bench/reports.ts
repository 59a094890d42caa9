/**
 * Report benchmark: the transfer report as CSV over 1,000,000 observations (1,000 subjects × 50 timepoints × 20
 * items) on SQLite, against a baseline that reads the same rows straight from the driver and writes the same CSV
 * in one process; the server's peak memory at 100,000 and at 1,000,000 rows; the speed-up when narrowed to 10
 * subjects. Then the submission formats (SAS XPT, Dataset-JSON, Dataset-NDJSON) over the same million rows:
 * throughput as a ratio of the report's own CSV in the same rounds, and peak memory at 100,000 and 1,000,000.
 * Run: `npx tsx bench/reports.ts` (builds dist/ first; takes a few minutes). BENCH_FORMATS=xpt,dataset-json
 * narrows the submission formats measured; BENCH_SUBMISSION_ONLY=1 measures only them (with the CSV rounds).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { stringify } from 'csv-stringify/sync'
import { buildDist } from './built.js'
import { openMigratedDatabase } from '../src/migrations.js'
import { systemActor } from '../src/modules/audit/service.js'
import { progressBar, seedBenchStudy } from '../src/modules/conduct/bench-seed.js'
import { IdentityService } from '../src/modules/identity/service.js'

const SMALL = { subjects: 100, timepoints: 50, items: 20 }
const LARGE = { subjects: 1000, timepoints: 50, items: 20 }
const dir = mkdtempSync(join(tmpdir(), 'trialdeck-bench-'))
const file = join(dir, 'bench.db')
const url = `sqlite:${file}`

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

async function setup(): Promise<{ token: string; largeId: number; smallId: number }> {
  const database = await openMigratedDatabase(url)
  try {
    const identity = new IdentityService(database.db)
    const tenant = await identity.createTenant('BENCH', 'Benchmark clinic')
    const actor = systemActor(tenant.id)
    const user = await identity.createUser(
      tenant.id,
      { username: 'bench', password: 'bench-password', roles: ['api-integrator'] },
      actor,
    )
    const token = await identity.createToken(tenant.id, user.id, { name: 'bench' }, actor)
    const smallId = await seedBenchStudy(database, tenant.id, 'BENCH-100K', SMALL, progressBar('BENCH-100K'))
    const largeId = await seedBenchStudy(database, tenant.id, 'BENCH-1M', LARGE, progressBar('BENCH-1M'))
    return { token: token.secret, largeId, smallId }
  } finally {
    await database.close()
  }
}

/** The same CSV the transfer report writes, produced straight from the driver with one join. */
function baseline(studyId: number): { rows: number; ms: number; sha: string } {
  const started = performance.now()
  const db = new BetterSqlite3(file, { readonly: true })
  const stmt = db
    .prepare(
      `select st.protocol, st.protocol || '-' || coalesce(s.site_id, '') || '-' || s.subject_number, s.subject_number,
              t.name, t.study_day, t.offset_minutes, i.form, i.item_group, i.code, i.label, o.value, o.unit,
              o.collected_at, case o.locked when 1 then 'Y' else 'N' end
         from observations o
         join studies st on st.id = o.study_id
         join study_subjects s on s.id = o.subject_id
         join study_timepoints t on t.id = o.timepoint_id
         join data_items i on i.id = o.item_id
        where o.study_id = ?
        order by o.subject_id, o.timepoint_id, o.item_id`,
    )
    .raw(true)
  const options = { escape_formulas: true, record_delimiter: '\r\n' as const, quoted_match: /[\r\n]/ }
  const hash = createHash('sha256')
  hash.update(
    stringify(
      [
        [
          'STUDYID',
          'USUBJID',
          'SUBJID',
          'VISIT',
          'VISITDY',
          'TPTOFFSET',
          'FORM',
          'ITEMGROUP',
          'ITEM',
          'LABEL',
          'VALUE',
          'UNIT',
          'COLLECTED_AT',
          'LOCKED',
        ],
      ],
      options,
    ),
  )
  let rows = 0
  let batch: unknown[][] = []
  for (const row of stmt.iterate(studyId) as IterableIterator<unknown[]>) {
    batch.push(row)
    if (batch.length === 2000) {
      hash.update(stringify(batch, options))
      rows += batch.length
      batch = []
    }
  }
  hash.update(stringify(batch, options))
  rows += batch.length
  db.close()
  return { rows, ms: performance.now() - started, sha: hash.digest('hex') }
}

interface Server {
  child: ChildProcess
  base: string
}

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ['bin/trialdeck.js', 'serve'], {
    env: { ...process.env, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'info', RATE_LIMIT_MAX: '1000000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  for (let i = 0; i < 600; i++) {
    const base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    if (base) return { child, base }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill()
  throw new Error(`server did not start: ${output}`)
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r))
  server.child.kill('SIGTERM')
  await exited
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
function peakMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb) / 1024
}

const SUBMISSION = (process.env.BENCH_FORMATS ?? 'xpt,dataset-json,dataset-ndjson').split(',').filter(Boolean)

async function report(
  server: Server,
  token: string,
  query: string,
): Promise<{ rows: number; ms: number; sha: string; bytes: number }> {
  const started = performance.now()
  const url = `${server.base}/api/v1/invokeReport?reportName=transfer&includeUnlockedForms=true&${query}`
  const init = { headers: { authorization: `Bearer ${token}` } }
  // A kept-alive connection the server closes as idle just when the next request goes out fails before any byte
  // of the answer (seen after a long baseline round under load): that request is sent again, once.
  const res = await fetch(url, init).catch(() => fetch(url, init))
  if (res.status !== 200 || !res.body) throw new Error(`report answered ${res.status}: ${await res.text()}`)
  const hash = createHash('sha256')
  let newlines = 0
  let bytes = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk)
    bytes += chunk.length
    for (const b of chunk) if (b === 10) newlines++
  }
  return { rows: newlines - 1, ms: performance.now() - started, sha: hash.digest('hex'), bytes }
}

/**
 * The submission formats against the report's CSV, over the same million rows: best of two rounds each, CSV and
 * the formats alternating on one warm server; then each format's peak RSS on a fresh server per size.
 */
async function submissionFormats(token: string): Promise<Record<string, unknown>> {
  const server = await startServer()
  const best: Record<string, { ms: number; bytes: number }> = {}
  for (let round = 0; round < 2; round++) {
    for (const format of ['csv', ...SUBMISSION]) {
      const r = await report(server, token, `studyName=BENCH-1M&format=${format}`)
      const before = best[format]
      if (!before || r.ms < before.ms) best[format] = { ms: r.ms, bytes: r.bytes }
      log(`round ${round + 1}: ${format} ${fmt(r.ms)} ms, ${fmt(r.bytes / 1e6)} MB`)
    }
  }
  await stopServer(server)
  const out: Record<string, unknown> = {}
  const csvMs = best.csv?.ms ?? 0
  for (const format of SUBMISSION) {
    const peaks: number[] = []
    for (const study of ['BENCH-100K', 'BENCH-1M']) {
      const fresh = await startServer()
      await report(fresh, token, `studyName=${study}&format=${format}`)
      peaks.push(peakMb(fresh.child.pid ?? 0))
      await stopServer(fresh)
    }
    const ms = best[format]?.ms ?? 0
    out[format] = {
      ms: Math.round(ms),
      megabytes: Math.round((best[format]?.bytes ?? 0) / 1e6),
      rowsPerSecond: Math.round(1e9 / ms),
      ratioToCsv: Number((csvMs / ms).toFixed(2)),
      peakRssMb100k: Math.round(peaks[0] ?? 0),
      peakRssMb1M: Math.round(peaks[1] ?? 0),
    }
    log(`${format}: ${JSON.stringify(out[format])}`)
  }
  return { csvMs: Math.round(csvMs), rowsPerSecondCsv: Math.round(1e9 / csvMs), formats: out }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en')

async function main(): Promise<void> {
  log('building dist/ …')
  buildDist()
  const { token, largeId } = await setup()
  if (process.env.BENCH_SUBMISSION_ONLY === '1') {
    console.log(JSON.stringify(await submissionFormats(token), null, 2))
    return
  }

  // Peak memory: a fresh server per size, so each peak is that run's alone.
  const peaks: Record<string, number> = {}
  for (const [label, study] of [
    ['100k', 'BENCH-100K'],
    ['1M', 'BENCH-1M'],
  ] as const) {
    const server = await startServer()
    const idle = peakMb(server.child.pid ?? 0)
    const r = await report(server, token, `studyName=${study}`)
    peaks[label] = peakMb(server.child.pid ?? 0)
    log(`peak RSS ${label}: ${peaks[label].toFixed(0)} MB (idle ${idle.toFixed(0)} MB), ${fmt(r.rows)} rows`)
    await stopServer(server)
  }

  // Throughput: best of two, baseline and report alternating on a warm cache.
  const server = await startServer()
  let best = { base: Infinity, report: Infinity }
  let same = true
  let rows = 0
  for (let round = 0; round < 2; round++) {
    const b = baseline(largeId)
    const r = await report(server, token, 'studyName=BENCH-1M')
    same &&= b.sha === r.sha && b.rows === r.rows
    rows = r.rows
    best = { base: Math.min(best.base, b.ms), report: Math.min(best.report, r.ms) }
    log(`round ${round + 1}: baseline ${fmt(b.ms)} ms, report ${fmt(r.ms)} ms (${fmt(r.rows)} rows)`)
  }
  const subjects = Array.from({ length: 10 }, (_, k) => String(100000 + k * 100)).join(',')
  const narrowed: number[] = []
  for (let k = 0; k < 7; k++)
    narrowed.push((await report(server, token, `studyName=BENCH-1M&subjects=${subjects}`)).ms)
  narrowed.sort((a, b) => a - b)
  const narrowMs = narrowed[3] ?? 0
  await stopServer(server)

  const baseRate = (rows / best.base) * 1000
  const reportRate = (rows / best.report) * 1000
  const results = {
    rows,
    identicalOutput: same,
    baselineRowsPerSecond: Math.round(baseRate),
    reportRowsPerSecond: Math.round(reportRate),
    ratio: Number((reportRate / baseRate).toFixed(2)),
    peakRssMb100k: Math.round(peaks['100k'] ?? 0),
    peakRssMb1M: Math.round(peaks['1M'] ?? 0),
    narrowedTo10SubjectsMs: Math.round(narrowMs),
    fullMs: Math.round(best.report),
    narrowSpeedup: Math.round(best.report / narrowMs),
  }
  const submission = SUBMISSION.length > 0 ? await submissionFormats(token) : {}
  console.log(JSON.stringify({ ...results, submission }, null, 2))
  console.log(
    [
      `transfer CSV, ${fmt(rows)} rows on SQLite (output byte-identical to the baseline: ${same ? 'yes' : 'NO'})`,
      `  baseline (driver → csv-stringify, one process): ${fmt(baseRate)} rows/s`,
      `  report (GET /api/v1/invokeReport, streamed over HTTP): ${fmt(reportRate)} rows/s → ratio ${results.ratio} (goal ≥ 0.5)`,
      `  server peak RSS: ${results.peakRssMb100k} MB at 100,000 rows, ${results.peakRssMb1M} MB at 1,000,000 rows (goal: the same, < 256 MB)`,
      `  narrowed to 10 subjects: ${results.narrowedTo10SubjectsMs} ms vs ${results.fullMs} ms → ${results.narrowSpeedup}× (goal ≥ 50×)`,
      ...Object.entries((submission.formats ?? {}) as Record<string, Record<string, number>>).map(
        ([f, r]) =>
          `  ${f}: ${fmt(r.rowsPerSecond ?? 0)} rows/s → ${r.ratioToCsv} of the CSV (goal ≥ 0.5); peak RSS ` +
          `${r.peakRssMb100k} MB at 100,000 rows, ${r.peakRssMb1M} MB at 1,000,000 (goal: the same, < 256 MB)`,
      ),
    ].join('\n'),
  )
}

try {
  await main()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
