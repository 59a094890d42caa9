import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { DataItemsTable, ObservationsTable, StudySubjectsTable, StudyTimepointsTable } from './tables.js'

export type SubjectRow = Selectable<StudySubjectsTable>
export type TimepointRow = Selectable<StudyTimepointsTable>
export type ItemRow = Selectable<DataItemsTable>
export type ObservationRow = Selectable<ObservationsTable>

export interface ObservationFilter {
  subjectIds?: readonly number[]
  timepointIds?: readonly number[]
  afterId?: number
  limit: number
}

/** SQL for study conduct data; the tenant id comes first in every method. */
export class ConductRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Which of these ids are volunteers of the tenant (another tenant's are as unknown as ids that do not exist). */
  async knownVolunteerIds(tenantId: number, ids: readonly number[]): Promise<Set<number>> {
    const known = new Set<number>()
    const unique = [...new Set(ids)]
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db
        .selectFrom('recruit_volunteers')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', unique.slice(i, i + 500))
        .execute()
      for (const r of rows) known.add(r.id)
    }
    return known
  }

  /** A study's subjects in creation order (what reports iterate by). */
  subjects(
    tenantId: number,
    studyId: number,
    page?: { afterId: number; limit: number },
  ): Promise<SubjectRow[]> {
    let q = this.db
      .selectFrom('study_subjects')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .orderBy('id')
    if (page) q = q.where('id', '>', page.afterId).limit(page.limit)
    return q.execute()
  }

  timepoints(tenantId: number, studyId: number): Promise<TimepointRow[]> {
    return this.db
      .selectFrom('study_timepoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .orderBy('id')
      .execute()
  }

  items(tenantId: number, studyId: number): Promise<ItemRow[]> {
    return this.db
      .selectFrom('data_items')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .orderBy('id')
      .execute()
  }

  async insertSubjects(db: Kysely<DB>, rows: Insertable<StudySubjectsTable>[]): Promise<SubjectRow[]> {
    if (rows.length === 0) return []
    return db.insertInto('study_subjects').values(rows).returningAll().execute()
  }

  async insertTimepoints(db: Kysely<DB>, rows: Insertable<StudyTimepointsTable>[]): Promise<TimepointRow[]> {
    if (rows.length === 0) return []
    return db.insertInto('study_timepoints').values(rows).returningAll().execute()
  }

  async insertItems(db: Kysely<DB>, rows: Insertable<DataItemsTable>[]): Promise<ItemRow[]> {
    if (rows.length === 0) return []
    return db.insertInto('data_items').values(rows).returningAll().execute()
  }

  /** A page of observations in (subject, timepoint, item) order... by id, for the native list. */
  observations(tenantId: number, studyId: number, filter: ObservationFilter): Promise<ObservationRow[]> {
    let q = this.db
      .selectFrom('observations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
    if (filter.subjectIds) q = q.where('subject_id', 'in', filter.subjectIds)
    if (filter.timepointIds) q = q.where('timepoint_id', 'in', filter.timepointIds)
    if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId)
    return q.orderBy('id').limit(filter.limit).execute()
  }

  /** The existing observations of some subjects (id, key and lock), for an import's upsert decisions. */
  existingObservations(
    db: Kysely<DB>,
    tenantId: number,
    studyId: number,
    subjectIds: readonly number[],
  ): Promise<Pick<ObservationRow, 'id' | 'subject_id' | 'timepoint_id' | 'item_id' | 'locked'>[]> {
    if (subjectIds.length === 0) return Promise.resolve([])
    return db
      .selectFrom('observations')
      .select(['id', 'subject_id', 'timepoint_id', 'item_id', 'locked'])
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .where('subject_id', 'in', subjectIds)
      .execute()
  }

  async insertObservations(db: Kysely<DB>, rows: Insertable<ObservationsTable>[]): Promise<void> {
    if (rows.length === 0) return
    await db.insertInto('observations').values(rows).execute()
  }

  async updateObservation(
    db: Kysely<DB>,
    tenantId: number,
    id: number,
    set: Pick<ObservationRow, 'value' | 'unit' | 'collected_at' | 'locked' | 'updated_at'>,
  ): Promise<void> {
    await db
      .updateTable('observations')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('locked', '=', 0)
      .execute()
  }
}
