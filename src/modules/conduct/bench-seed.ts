import { sql } from 'kysely'
import type { Database } from '../../db/database.js'
import { nowIso } from '../../db/columns.js'
import { recordAudit, systemActor } from '../audit/service.js'
import { StudiesRepository } from '../studies/repository.js'
import { ConductService } from './service.js'

export interface BenchShape {
  subjects: number
  timepoints: number
  items: number
}

/** The value of item i at timepoint t for subject s: deterministic decimal text. */
function benchValue(s: number, t: number, i: number): string {
  return `${(s * 7 + t * 13 + i * 31) % 200}.${(s + t + i) % 100}`.padStart(4, '0')
}

const ROWS_PER_BATCH = 10_000

/**
 * A large synthetic study (subjects × timepoints × items observations, 80 % of timepoints locked) created with
 * bulk inserts: SQLite through one prepared statement in large transactions, PostgreSQL through `unnest` arrays of
 * 10,000 rows. `progress` is told how many observations are written so far.
 */
export async function seedBenchStudy(
  database: Database,
  tenantId: number,
  protocol: string,
  shape: BenchShape,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<number> {
  const db = database.db
  const studies = new StudiesRepository(db)
  if (await studies.findByProtocol(tenantId, protocol)) throw new Error(`study ${protocol} already exists`)
  const now = nowIso()
  const studyId = await studies.insert(
    db,
    tenantId,
    { protocol, name: `Synthetic study ${protocol}`, status: 'active' },
    now,
  )
  await studies.insertSite(db, tenantId, studyId, { siteId: 1, name: 'Bench site 1' }, now)
  await studies.insertSite(db, tenantId, studyId, { siteId: 2, name: 'Bench site 2' }, now)
  const actor = systemActor(tenantId)
  const service = new ConductService(db)
  const timepoints = await service.createTimepoints(
    actor,
    studyId,
    Array.from({ length: shape.timepoints }, (_, t) => ({
      name: `TP${String(t + 1).padStart(3, '0')}`,
      studyDay: 1 + Math.floor(t / 4),
      offsetMinutes: (t % 4) * 60,
    })),
  )
  const items = await service.createItems(
    actor,
    studyId,
    Array.from({ length: shape.items }, (_, i) => ({
      code: `ITEM${String(i + 1).padStart(3, '0')}`,
      label: `Synthetic item ${i + 1}`,
      dataType: 'decimal' as const,
      unit: 'U',
      form: `FORM${1 + (i % 3)}`,
      itemGroup: `IG${1 + (i % 5)}`,
    })),
  )
  const subjectIds: number[] = []
  for (let from = 0; from < shape.subjects; from += 1000) {
    const created = await service.createSubjects(
      actor,
      studyId,
      Array.from({ length: Math.min(1000, shape.subjects - from) }, (_, k) => ({
        subjectNumber: String(100000 + from + k),
        siteId: 1 + ((from + k) % 2),
        status: 'randomised' as const,
      })),
    )
    subjectIds.push(...created.map((s) => s.id))
  }
  const total = shape.subjects * shape.timepoints * shape.items
  const lockedBelow = Math.ceil(shape.timepoints * 0.8)
  const day0 = Date.UTC(2026, 0, 5, 8)
  let done = 0
  const rowsOf = function* (): Generator<[number, number, number, number, string, string, number]> {
    for (let s = 0; s < subjectIds.length; s++)
      for (let t = 0; t < timepoints.length; t++) {
        const collectedAt = new Date(day0 + t * 3_600_000).toISOString()
        for (let i = 0; i < items.length; i++) {
          yield [
            subjectIds[s] ?? 0,
            timepoints[t]?.id ?? 0,
            items[i]?.id ?? 0,
            s,
            benchValue(s, t, i),
            collectedAt,
            t < lockedBelow ? 1 : 0,
          ]
        }
      }
  }
  const raw = database.raw
  if (raw.kind === 'sqlite') {
    const insert = raw.sqlite.prepare(
      'insert into observations (tenant_id, study_id, subject_id, timepoint_id, item_id, value, unit, collected_at, locked, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const rows = rowsOf()
    const writeBatch = raw.sqlite.transaction((n: number) => {
      let k = 0
      for (; k < n; k++) {
        const r = rows.next()
        if (r.done === true) break
        const [subject, tp, item, , value, collectedAt, locked] = r.value
        insert.run(tenantId, studyId, subject, tp, item, value, 'U', collectedAt, locked, now)
      }
      return k
    })
    for (;;) {
      const n = writeBatch(ROWS_PER_BATCH * 10)
      done += n
      progress(done, total)
      if (n === 0) break
      await new Promise((r) => setImmediate(r))
    }
  } else {
    let batch: ReturnType<typeof rowsOf> extends Generator<infer R> ? R[] : never = []
    const flush = async () => {
      if (batch.length === 0) return
      const col = <K extends number>(k: K) => batch.map((r) => r[k])
      await sql`insert into observations (tenant_id, study_id, subject_id, timepoint_id, item_id, value, unit, collected_at, locked, updated_at)
        select ${tenantId}, ${studyId}, s, t, i, v, 'U', c, l, ${now}
        from unnest(${col(0)}::bigint[], ${col(1)}::bigint[], ${col(2)}::bigint[], ${col(4)}::text[], ${col(5)}::text[], ${col(6)}::int[]) as x(s, t, i, v, c, l)`.execute(
        db,
      )
      done += batch.length
      batch = []
      progress(done, total)
    }
    for (const r of rowsOf()) {
      batch.push(r)
      if (batch.length >= ROWS_PER_BATCH) await flush()
    }
    await flush()
  }
  await recordAudit(db, actor, {
    action: 'observations.bulk-seed',
    entityType: 'study',
    entityId: studyId,
    after: { rows: done },
  })
  if (database.dialect === 'postgres') await sql`analyze observations`.execute(db)
  else if (raw.kind === 'sqlite') raw.sqlite.exec('analyze')
  return studyId
}

/** A progress bar for stderr: redrawn in place on a terminal, a line per 10 % otherwise. */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number) => void {
  let lastTenth = -1
  const started = Date.now()
  return (done, total) => {
    const fraction = total === 0 ? 1 : done / total
    const width = 30
    const filled = Math.round(fraction * width)
    const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001))
    const line = `${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows, ${rate.toLocaleString('en')} rows/s`
    if (stream.isTTY) {
      stream.write(`\r${line}${done >= total ? '\n' : ''}`)
    } else if (Math.floor(fraction * 10) !== lastTenth) {
      lastTenth = Math.floor(fraction * 10)
      stream.write(`${line}\n`)
    }
  }
}
