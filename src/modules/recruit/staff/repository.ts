import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely'
import type { DB } from '../../../db/schema.js'
import { sameName, studiesNamed } from '../../studies/names.js'
import type {
  RecruitCohortsTable,
  RecruitProfilesTable,
  RecruitQuestionsTable,
  RecruitSlotsTable,
} from '../tables.js'

export type ProfileRow = Selectable<RecruitProfilesTable>
export type CohortRow = Selectable<RecruitCohortsTable>
export type QuestionRow = Selectable<RecruitQuestionsTable>
export type SlotRow = Selectable<RecruitSlotsTable>

export interface SiteFilter {
  studyName?: string | undefined
  siteName?: string | undefined
  siteId?: number | undefined
  locationOid?: string | undefined
}

export interface SlotFilter {
  studyId?: number | undefined
  studyName?: string | undefined
  siteId?: number | undefined
  from: string
  to?: string | undefined
  openOnly: boolean
}

/**
 * SQL for what a clinic offers: recruitment profiles, cohorts, the tenant's volunteer questions and screening
 * slots. The tenant id comes first in every method.
 */
export class CatalogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  profileOf(tenantId: number, studyId: number, db: Kysely<DB> = this.db): Promise<ProfileRow | undefined> {
    return db
      .selectFrom('recruit_profiles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .executeTakeFirst()
  }

  async upsertProfile(
    db: Kysely<DB>,
    tenantId: number,
    studyId: number,
    values: Omit<Insertable<RecruitProfilesTable>, 'id' | 'tenant_id' | 'study_id'>,
  ): Promise<void> {
    await db
      .insertInto('recruit_profiles')
      .values({ ...values, tenant_id: tenantId, study_id: studyId })
      .onConflict((oc) => oc.columns(['tenant_id', 'study_id']).doUpdateSet(values))
      .execute()
  }

  /** Studies whose profile says `recruiting`, with their profile. */
  recruitingStudies(tenantId: number, studyIds?: readonly number[]) {
    let q = this.db
      .selectFrom('recruit_profiles as p')
      .innerJoin('studies as s', (j) =>
        j.onRef('s.id', '=', 'p.study_id').onRef('s.tenant_id', '=', 'p.tenant_id'),
      )
      .selectAll('p')
      .select(['s.name as study_name', 's.protocol'])
      .where('p.tenant_id', '=', tenantId)
      .where('p.status', '=', 'recruiting')
    if (studyIds) q = q.where('p.study_id', 'in', studyIds.length ? studyIds : [-1])
    return q.orderBy('p.study_id').execute()
  }

  /** Sites of recruiting studies, filtered as the Partner API's findActiveStudySites says. */
  async activeStudySites(tenantId: number, f: SiteFilter) {
    // studyName and siteName as every operation matches them: studies/names.ts.
    const named = f.studyName === undefined ? undefined : await studiesNamed(this.db, tenantId, f.studyName)
    if (named?.length === 0) return []
    let q = this.db
      .selectFrom('study_sites as ss')
      .innerJoin('studies as s', (j) =>
        j.onRef('s.id', '=', 'ss.study_id').onRef('s.tenant_id', '=', 'ss.tenant_id'),
      )
      .innerJoin('recruit_profiles as p', (j) =>
        j.onRef('p.study_id', '=', 'ss.study_id').onRef('p.tenant_id', '=', 'ss.tenant_id'),
      )
      .select([
        'ss.study_id',
        's.name as study_name',
        's.protocol',
        'ss.site_id',
        'ss.name as site_name',
        'ss.location_oid',
        'p.public_title',
        'p.public_description',
        'p.compensation',
      ])
      .where('ss.tenant_id', '=', tenantId)
      .where('p.status', '=', 'recruiting')
    if (named)
      q = q.where(
        'ss.study_id',
        'in',
        named.map((n) => n.id),
      )
    const siteName = f.siteName
    if (siteName !== undefined) q = q.where(sql`lower(ss.name)`, '=', sql`lower(${siteName})`)
    if (f.siteId !== undefined) q = q.where('ss.site_id', '=', f.siteId)
    if (f.locationOid !== undefined) q = q.where('ss.location_oid', '=', f.locationOid)
    const rows = await q.orderBy('ss.study_id').orderBy('ss.site_id').execute()
    return siteName === undefined ? rows : rows.filter((r) => sameName(r.site_name, siteName))
  }

  sitesOfStudies(tenantId: number, studyIds: readonly number[]) {
    return this.db
      .selectFrom('study_sites')
      .select(['study_id', 'site_id', 'name', 'location_oid'])
      .where('tenant_id', '=', tenantId)
      .where('study_id', 'in', studyIds.length ? studyIds : [-1])
      .orderBy('site_id')
      .execute()
  }

  /** The distinct siteIds of every study of the tenant: the clinic's sites. */
  async tenantSiteIds(tenantId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('study_sites')
      .select('site_id')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .execute()
    return rows.map((r) => r.site_id)
  }

  cohortsOfStudies(tenantId: number, studyIds: readonly number[]): Promise<CohortRow[]> {
    return this.db
      .selectFrom('recruit_cohorts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', 'in', studyIds.length ? studyIds : [-1])
      .orderBy('id')
      .execute()
  }

  findCohort(tenantId: number, cohortId: number): Promise<CohortRow | undefined> {
    return this.db
      .selectFrom('recruit_cohorts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', cohortId)
      .executeTakeFirst()
  }

  async insertCohort(db: Kysely<DB>, row: Insertable<RecruitCohortsTable>): Promise<number> {
    const r = await db.insertInto('recruit_cohorts').values(row).returning('id').executeTakeFirstOrThrow()
    return r.id
  }

  async updateCohort(
    db: Kysely<DB>,
    tenantId: number,
    cohortId: number,
    set: Updateable<RecruitCohortsTable>,
  ): Promise<void> {
    await db
      .updateTable('recruit_cohorts')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', cohortId)
      .execute()
  }

  async deleteCohort(db: Kysely<DB>, tenantId: number, cohortId: number): Promise<void> {
    await db
      .deleteFrom('recruit_cohorts')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', cohortId)
      .execute()
  }

  async cohortInUse(tenantId: number, cohortId: number): Promise<boolean> {
    const r = await this.db
      .selectFrom('recruit_interests')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('cohort_id', '=', cohortId)
      .limit(1)
      .executeTakeFirst()
    return r !== undefined
  }

  questions(tenantId: number): Promise<QuestionRow[]> {
    return this.db
      .selectFrom('recruit_questions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute()
  }

  findQuestion(tenantId: number, questionId: number): Promise<QuestionRow | undefined> {
    return this.db
      .selectFrom('recruit_questions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', questionId)
      .executeTakeFirst()
  }

  async insertQuestion(db: Kysely<DB>, row: Insertable<RecruitQuestionsTable>): Promise<number> {
    const r = await db.insertInto('recruit_questions').values(row).returning('id').executeTakeFirstOrThrow()
    return r.id
  }

  async updateQuestion(
    db: Kysely<DB>,
    tenantId: number,
    questionId: number,
    set: Updateable<RecruitQuestionsTable>,
  ): Promise<void> {
    await db
      .updateTable('recruit_questions')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', questionId)
      .execute()
  }

  async deleteQuestion(db: Kysely<DB>, tenantId: number, questionId: number): Promise<void> {
    await db
      .deleteFrom('recruit_questions')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', questionId)
      .execute()
  }

  async questionInUse(tenantId: number, questionId: number): Promise<boolean> {
    const r = await this.db
      .selectFrom('recruit_answers')
      .select('volunteer_id')
      .where('tenant_id', '=', tenantId)
      .where('question_id', '=', questionId)
      .limit(1)
      .executeTakeFirst()
    if (r) return true
    const profiles = await this.db
      .selectFrom('recruit_profiles')
      .select('required_answers')
      .where('tenant_id', '=', tenantId)
      .execute()
    return profiles.some((p) =>
      (JSON.parse(p.required_answers) as { questionId: number }[]).some((a) => a.questionId === questionId),
    )
  }

  findSlot(tenantId: number, slotId: number, db: Kysely<DB> = this.db): Promise<SlotRow | undefined> {
    return db
      .selectFrom('recruit_slots')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', slotId)
      .executeTakeFirst()
  }

  /** Slots of recruiting studies starting in [from, to), optionally only those with places left. */
  async slots(tenantId: number, f: SlotFilter): Promise<SlotRow[]> {
    const named = f.studyName === undefined ? undefined : await studiesNamed(this.db, tenantId, f.studyName)
    if (named?.length === 0) return []
    let q = this.db
      .selectFrom('recruit_slots as sl')
      .innerJoin('recruit_profiles as p', (j) =>
        j.onRef('p.study_id', '=', 'sl.study_id').onRef('p.tenant_id', '=', 'sl.tenant_id'),
      )
      .innerJoin('studies as s', (j) =>
        j.onRef('s.id', '=', 'sl.study_id').onRef('s.tenant_id', '=', 'sl.tenant_id'),
      )
      .selectAll('sl')
      .where('sl.tenant_id', '=', tenantId)
      .where('p.status', '=', 'recruiting')
      .where('sl.starts_at', '>=', f.from)
    if (f.to !== undefined) q = q.where('sl.starts_at', '<', f.to)
    if (f.studyId !== undefined) q = q.where('sl.study_id', '=', f.studyId)
    if (named)
      q = q.where(
        'sl.study_id',
        'in',
        named.map((n) => n.id),
      )
    if (f.siteId !== undefined) q = q.where('sl.site_id', '=', f.siteId)
    if (f.openOnly) q = q.whereRef('sl.booked', '<', 'sl.capacity')
    return q.orderBy('sl.starts_at').orderBy('sl.id').limit(1000).execute()
  }

  /** The slots of a study site (staff view), past ones included; `from`/`to` (ISO instants) narrow them by start. */
  slotsOfSite(
    tenantId: number,
    studyId: number,
    siteId: number,
    range: { from?: string | undefined; to?: string | undefined } = {},
  ): Promise<SlotRow[]> {
    let q = this.db
      .selectFrom('recruit_slots')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .where('site_id', '=', siteId)
    if (range.from !== undefined) q = q.where('starts_at', '>=', range.from)
    if (range.to !== undefined) q = q.where('starts_at', '<', range.to)
    return q.orderBy('starts_at').orderBy('id').execute()
  }

  async insertSlot(db: Kysely<DB>, row: Insertable<RecruitSlotsTable>): Promise<number> {
    const r = await db.insertInto('recruit_slots').values(row).returning('id').executeTakeFirstOrThrow()
    return r.id
  }

  /** Deletes a slot nobody holds a place in; false when someone does. */
  async deleteEmptySlot(db: Kysely<DB>, tenantId: number, slotId: number): Promise<boolean> {
    const held = await db
      .selectFrom('recruit_bookings')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('slot_id', '=', slotId)
      .limit(1)
      .executeTakeFirst()
    if (held) return false
    await db.deleteFrom('recruit_slots').where('tenant_id', '=', tenantId).where('id', '=', slotId).execute()
    return true
  }
}
