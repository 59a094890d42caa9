import type BetterSqlite3 from 'better-sqlite3'
import type { Insertable, Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { nowIso } from '../../db/columns.js'
import { MAX_LISTED_ERRORS, ValidationFailed, type FieldError } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/service.js'
import type { BodyRecord } from './records.js'
import { ConductRepository } from './repository.js'
import type { ObservationsTable } from './tables.js'
import { isIsoDateTime, valueProblem } from './values.js'

const BATCH = 1000

export interface ImportResult {
  /** Observations written (inserted or updated). */
  rows: number
}

interface Dimensions {
  subjects: Map<string, { id: number; index: number }>
  timepoints: Map<string, { id: number; index: number }>
  items: Map<string, { id: number; index: number; type: string; unit: string | null }>
}

async function dimensions(repo: ConductRepository, tenantId: number, studyId: number): Promise<Dimensions> {
  const [subjects, timepoints, items] = await Promise.all([
    repo.subjects(tenantId, studyId),
    repo.timepoints(tenantId, studyId),
    repo.items(tenantId, studyId),
  ])
  return {
    subjects: new Map(subjects.map((s, index) => [s.subject_number, { id: s.id, index }])),
    timepoints: new Map(timepoints.map((t, index) => [t.name, { id: t.id, index }])),
    items: new Map(items.map((i, index) => [i.code, { id: i.id, index, type: i.data_type, unit: i.unit }])),
  }
}

const KNOWN = new Set(['subject', 'timepoint', 'item', 'value', 'unit', 'collectedAt', 'locked'])

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim()
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return undefined
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (v === undefined || v === null || v === '') return false
  if (typeof v === 'string' && /^(true|1|yes)$/i.test(v.trim())) return true
  if (typeof v === 'string' && /^(false|0|no)$/i.test(v.trim())) return false
  return undefined
}

interface Pending {
  line: number
  key: string
  values: Insertable<ObservationsTable>
}

/**
 * Imports observations from a stream of records, all or nothing: every record is checked (references, value
 * types, duplicates, locked targets) and written inside one transaction in batches; when any record is bad the
 * transaction is rolled back and every problem is reported together.
 */
export async function importObservations(
  db: Kysely<DB>,
  actor: Actor,
  study: { id: number; protocol: string },
  records: AsyncIterable<BodyRecord>,
  /** SQLite only: the connection under `db`, for one prepared upsert per row instead of a statement per batch. */
  sqlite?: BetterSqlite3.Database,
): Promise<ImportResult> {
  const tenantId = actor.tenantId
  const repo = new ConductRepository(db)
  const dims = await dimensions(repo, tenantId, study.id)
  const nT = Math.max(dims.timepoints.size, 1)
  const nI = Math.max(dims.items.size, 1)
  const errors: FieldError[] = []
  let errorCount = 0
  const fail = (line: number, field: string, message: string, rule: string): void => {
    errorCount++
    if (errors.length < MAX_LISTED_ERRORS) errors.push({ path: `/lines/${line}${field}`, message, rule })
  }
  const seen = new Set<number>()
  const now = nowIso()
  let written = 0
  let rows = 0

  const upsert = sqlite?.prepare(
    `insert into observations (tenant_id, study_id, subject_id, timepoint_id, item_id, value, unit, collected_at, locked, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (tenant_id, study_id, subject_id, timepoint_id, item_id) do update set value = excluded.value,
       unit = excluded.unit, collected_at = excluded.collected_at, locked = excluded.locked, updated_at = excluded.updated_at
     where observations.locked = 0
     returning id`,
  )
  return db.transaction().execute(async (trx) => {
    let batch: Pending[] = []
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      const current = batch
      batch = []
      if (upsert) {
        for (const p of current) {
          const v = p.values
          const r = upsert.get(
            v.tenant_id,
            v.study_id,
            v.subject_id,
            v.timepoint_id,
            v.item_id,
            v.value,
            v.unit,
            v.collected_at,
            v.locked,
            v.updated_at,
          )
          if (r === undefined)
            fail(p.line, '', 'targets a locked observation, which cannot be changed', 'locked')
          else written++
        }
        return
      }
      const returned = await trx
        .insertInto('observations')
        .values(current.map((p) => p.values))
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'study_id', 'subject_id', 'timepoint_id', 'item_id'])
            .doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              unit: eb.ref('excluded.unit'),
              collected_at: eb.ref('excluded.collected_at'),
              locked: eb.ref('excluded.locked'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where('observations.locked', '=', 0),
        )
        .returning(['subject_id', 'timepoint_id', 'item_id'])
        .execute()
      written += returned.length
      if (returned.length < current.length) {
        const done = new Set(returned.map((r) => `${r.subject_id}:${r.timepoint_id}:${r.item_id}`))
        for (const p of current) {
          if (!done.has(p.key))
            fail(p.line, '', 'targets a locked observation, which cannot be changed', 'locked')
        }
      }
    }

    for await (const record of records) {
      rows++
      // A buffered body and a synchronous driver would otherwise keep this loop in microtasks: let other
      // requests in between batches.
      if (rows % BATCH === 0) await new Promise((resolve) => setImmediate(resolve))
      if (record.error !== undefined) {
        fail(record.line, '', record.error, 'format')
        continue
      }
      const r = record.row
      const line = record.line
      const errorsBefore = errorCount
      const bad = (field: string, message: string, rule: string): void => {
        fail(line, `/${field}`, message, rule)
      }
      for (const k of Object.keys(r)) if (!KNOWN.has(k)) bad(k, 'is not a known field', 'unknown')
      const subjectNumber = text(r.subject)
      const subject = subjectNumber === undefined ? undefined : dims.subjects.get(subjectNumber)
      if (subjectNumber === undefined || subjectNumber === '') bad('subject', 'is required', 'required')
      else if (!subject) bad('subject', `no subject ${subjectNumber} in study ${study.protocol}`, 'reference')
      const tpName = text(r.timepoint)
      const tp = tpName === undefined ? undefined : dims.timepoints.get(tpName)
      if (tpName === undefined || tpName === '') bad('timepoint', 'is required', 'required')
      else if (!tp) bad('timepoint', `no timepoint "${tpName}" in study ${study.protocol}`, 'reference')
      const code = text(r.item)
      const item = code === undefined ? undefined : dims.items.get(code)
      if (code === undefined || code === '') bad('item', 'is required', 'required')
      else if (!item) bad('item', `no data item ${code} in study ${study.protocol}`, 'reference')
      const value = r.value === null || r.value === '' ? null : text(r.value)
      if (value === undefined) bad('value', 'must be a string, a number or null', 'type')
      else if (value !== null && item) {
        const problem = valueProblem(item.type, value)
        if (problem)
          bad(
            'value',
            `${problem} (item ${item.type === 'text' ? 'text' : `${code} is ${item.type}`})`,
            'type',
          )
      }
      const unit = r.unit === undefined || r.unit === null || r.unit === '' ? null : text(r.unit)
      if (unit === undefined) bad('unit', 'must be a string', 'type')
      const collectedAt =
        r.collectedAt === undefined || r.collectedAt === null || r.collectedAt === ''
          ? null
          : text(r.collectedAt)
      if (collectedAt === undefined || (collectedAt !== null && !isIsoDateTime(collectedAt)))
        bad('collectedAt', 'must be an ISO 8601 date-time such as 2026-01-05T08:30:00Z', 'datetime')
      const locked = bool(r.locked)
      if (locked === undefined) bad('locked', 'must be true or false', 'type')
      if (errorCount !== errorsBefore || !subject || !tp || !item) continue
      const dense = (subject.index * nT + tp.index) * nI + item.index
      if (seen.has(dense)) {
        fail(line, '', `repeats subject ${subjectNumber}, timepoint "${tpName}", item ${code}`, 'duplicate')
        continue
      }
      seen.add(dense)
      batch.push({
        line,
        key: `${subject.id}:${tp.id}:${item.id}`,
        values: {
          tenant_id: tenantId,
          study_id: study.id,
          subject_id: subject.id,
          timepoint_id: tp.id,
          item_id: item.id,
          value: value ?? null,
          unit: unit ?? item.unit,
          collected_at: collectedAt ?? null,
          locked: locked ? 1 : 0,
          updated_at: now,
        },
      })
      if (batch.length >= BATCH) {
        await flush()
      }
    }
    await flush()
    if (rows === 0) fail(0, '', 'the body holds no records', 'required')
    if (errorCount > 0) {
      throw new ValidationFailed(errors, errorCount - errors.length)
    }
    await recordAudit(trx, actor, {
      action: 'observations.import',
      entityType: 'study',
      entityId: study.id,
      after: { rows: written },
    })
    return { rows: written }
  })
}
