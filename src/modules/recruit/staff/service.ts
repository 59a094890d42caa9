import type { Kysely } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import { inTransaction } from '../../../db/database.js'
import { nowIso } from '../../../db/columns.js'
import { Conflict, ErrorList, NotFound, ValidationFailed } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/service.js'
import { StudiesRepository, type StudyRow } from '../../studies/repository.js'
import { resolveAnswers, typedAnswer } from '../answers.js'
import { CatalogRepository, type SlotRow } from './repository.js'
import { isUniqueViolation } from '../../../db/errors.js'
import type {
  Cohort,
  CohortInput,
  Profile,
  ProfileInput,
  Site,
  SiteInput,
  SiteUpdate,
  Slot,
  SlotInput,
} from './schemas.js'
import { SitesRepository } from './sites.js'

function slotOf(s: SlotRow): Slot {
  return {
    appointmentId: s.id,
    studyId: s.study_id,
    siteId: s.site_id,
    start: s.starts_at,
    end: s.ends_at,
    capacity: s.capacity,
    booked: s.booked,
    placesLeft: s.capacity - s.booked,
  }
}

const num = (v: string | null) => (v === null ? null : Number(v))

/** What staff set up for recruitment: study sites, cohorts, the recruitment profile, slots and questions. */
export class RecruitSetupService {
  readonly catalog: CatalogRepository
  readonly studies: StudiesRepository
  readonly sites: SitesRepository

  constructor(private readonly db: Kysely<DB>) {
    this.catalog = new CatalogRepository(db)
    this.studies = new StudiesRepository(db)
    this.sites = new SitesRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): RecruitSetupService {
    return new RecruitSetupService(ctx.db)
  }

  async study(tenantId: number, studyId: number): Promise<StudyRow> {
    const study = await this.studies.findById(tenantId, studyId)
    if (!study) throw new NotFound(`No study ${studyId}`)
    return study
  }

  async listSites(tenantId: number, studyId: number): Promise<Site[]> {
    await this.study(tenantId, studyId)
    return (await this.studies.sitesOf(tenantId, studyId)).map((s) => ({
      studyId,
      siteId: s.site_id,
      name: s.name,
      locationOid: s.location_oid,
    }))
  }

  async createSite(tenantId: number, studyId: number, input: SiteInput, actor: Actor): Promise<Site> {
    await this.study(tenantId, studyId)
    const site: Site = {
      studyId,
      siteId: input.siteId,
      name: input.name,
      locationOid: input.locationOid ?? null,
    }
    try {
      await inTransaction(this.db, async (trx) => {
        await this.studies.insertSite(trx, tenantId, studyId, site, nowIso())
        await recordAudit(trx, actor, {
          action: 'study.site.create',
          entityType: 'study',
          entityId: studyId,
          after: site,
        })
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`Study ${studyId} already has a site ${input.siteId}`)
      throw err
    }
    return site
  }

  async updateSite(
    tenantId: number,
    studyId: number,
    siteId: number,
    input: SiteUpdate,
    actor: Actor,
  ): Promise<Site> {
    const before = (await this.listSites(tenantId, studyId)).find((s) => s.siteId === siteId)
    if (!before) throw new NotFound(`Study ${studyId} has no site ${siteId}`)
    const after: Site = { ...before, name: input.name, locationOid: input.locationOid ?? null }
    await inTransaction(this.db, async (trx) => {
      await this.sites.update(trx, tenantId, studyId, siteId, after.name, after.locationOid)
      await recordAudit(trx, actor, {
        action: 'study.site.update',
        entityType: 'study',
        entityId: studyId,
        before,
        after,
      })
    })
    return after
  }

  async deleteSite(tenantId: number, studyId: number, siteId: number, actor: Actor): Promise<void> {
    const before = (await this.listSites(tenantId, studyId)).find((s) => s.siteId === siteId)
    if (!before) throw new NotFound(`Study ${studyId} has no site ${siteId}`)
    if ((await this.catalog.slotsOfSite(tenantId, studyId, siteId)).length > 0)
      throw new Conflict(`Site ${siteId} of study ${studyId} has appointment slots; delete them first`)
    await inTransaction(this.db, async (trx) => {
      await this.sites.delete(trx, tenantId, studyId, siteId)
      await recordAudit(trx, actor, {
        action: 'study.site.delete',
        entityType: 'study',
        entityId: studyId,
        before,
      })
    })
  }

  async listCohorts(tenantId: number, studyId: number): Promise<Cohort[]> {
    await this.study(tenantId, studyId)
    return (await this.catalog.cohortsOfStudies(tenantId, [studyId])).map((c) => ({
      cohortId: c.id,
      studyId: c.study_id,
      name: c.name,
      description: c.description,
    }))
  }

  async createCohort(tenantId: number, studyId: number, input: CohortInput, actor: Actor): Promise<Cohort> {
    await this.study(tenantId, studyId)
    try {
      return await inTransaction(this.db, async (trx) => {
        const row = {
          tenant_id: tenantId,
          study_id: studyId,
          name: input.name,
          description: input.description ?? null,
        }
        const cohortId = await this.catalog.insertCohort(trx, { ...row, created_at: nowIso() })
        const cohort: Cohort = { cohortId, studyId, name: row.name, description: row.description }
        await recordAudit(trx, actor, {
          action: 'study.cohort.create',
          entityType: 'study',
          entityId: studyId,
          after: cohort,
        })
        return cohort
      })
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict(`Study ${studyId} already has a cohort named ${input.name}`)
      throw err
    }
  }

  private async cohort(tenantId: number, studyId: number, cohortId: number): Promise<Cohort> {
    const c = (await this.listCohorts(tenantId, studyId)).find((x) => x.cohortId === cohortId)
    if (!c) throw new NotFound(`Study ${studyId} has no cohort ${cohortId}`)
    return c
  }

  async updateCohort(
    tenantId: number,
    studyId: number,
    cohortId: number,
    input: CohortInput,
    actor: Actor,
  ): Promise<Cohort> {
    const before = await this.cohort(tenantId, studyId, cohortId)
    const after: Cohort = { ...before, name: input.name, description: input.description ?? null }
    try {
      await inTransaction(this.db, async (trx) => {
        await this.catalog.updateCohort(trx, tenantId, cohortId, {
          name: after.name,
          description: after.description,
        })
        await recordAudit(trx, actor, {
          action: 'study.cohort.update',
          entityType: 'study',
          entityId: studyId,
          before,
          after,
        })
      })
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict(`Study ${studyId} already has a cohort named ${input.name}`)
      throw err
    }
    return after
  }

  async deleteCohort(tenantId: number, studyId: number, cohortId: number, actor: Actor): Promise<void> {
    const before = await this.cohort(tenantId, studyId, cohortId)
    if (await this.catalog.cohortInUse(tenantId, cohortId))
      throw new Conflict(`Volunteers have expressed interest in cohort ${cohortId}; it cannot be deleted`)
    await inTransaction(this.db, async (trx) => {
      await this.catalog.deleteCohort(trx, tenantId, cohortId)
      await recordAudit(trx, actor, {
        action: 'study.cohort.delete',
        entityType: 'study',
        entityId: studyId,
        before,
      })
    })
  }

  async getProfile(tenantId: number, studyId: number): Promise<Profile> {
    await this.study(tenantId, studyId)
    const p = await this.catalog.profileOf(tenantId, studyId)
    const questions = new Map((await this.catalog.questions(tenantId)).map((q) => [q.id, q]))
    const required = p ? (JSON.parse(p.required_answers) as { questionId: number; answer: string }[]) : []
    return {
      studyId,
      status: (p?.status ?? 'not-recruiting') as Profile['status'],
      publicTitle: p?.public_title ?? null,
      publicDescription: p?.public_description ?? null,
      minAge: p?.min_age ?? null,
      maxAge: p?.max_age ?? null,
      sex: (p?.sex ?? null) as Profile['sex'],
      minBmi: num(p?.min_bmi ?? null),
      maxBmi: num(p?.max_bmi ?? null),
      healthyVolunteers: p?.healthy_volunteers == null ? null : p.healthy_volunteers === 1,
      requiredAnswers: required.map((a) => {
        const q = questions.get(a.questionId)
        return { question: q?.text ?? `question ${a.questionId}`, answer: typedAnswer(q, a.answer) }
      }),
      compensation: p?.compensation ?? null,
      updatedAt: p?.updated_at ?? null,
    }
  }

  /** Replaces the study's recruitment profile (criteria included). */
  async putProfile(tenantId: number, studyId: number, input: ProfileInput, actor: Actor): Promise<Profile> {
    const before = await this.getProfile(tenantId, studyId)
    const errors = new ErrorList()
    const ranges: [string, number | null | undefined, number | null | undefined][] = [
      ['Age', input.minAge, input.maxAge],
      ['Bmi', input.minBmi, input.maxBmi],
    ]
    for (const [name, min, max] of ranges) {
      if (min != null && max != null && min > max)
        errors.add(`/body/max${name}`, `must be at least min${name}`, 'range')
    }
    const required = resolveAnswers(
      await this.catalog.questions(tenantId),
      input.requiredAnswers ?? [],
      null,
      errors,
      {
        basePath: '/body/requiredAnswers',
        requireMandatory: false,
        anySite: true,
      },
    )
    errors.throwIfAny()
    await inTransaction(this.db, async (trx) => {
      await this.catalog.upsertProfile(trx, tenantId, studyId, {
        status: input.status,
        public_title: input.publicTitle ?? null,
        public_description: input.publicDescription ?? null,
        min_age: input.minAge ?? null,
        max_age: input.maxAge ?? null,
        sex: input.sex ?? null,
        min_bmi: input.minBmi == null ? null : String(input.minBmi),
        max_bmi: input.maxBmi == null ? null : String(input.maxBmi),
        healthy_volunteers: input.healthyVolunteers == null ? null : input.healthyVolunteers ? 1 : 0,
        required_answers: JSON.stringify(
          required.map((a) => ({ questionId: a.questionId, answer: a.answer })),
        ),
        compensation: input.compensation ?? null,
        updated_at: nowIso(),
      })
      const after = { ...input }
      await recordAudit(trx, actor, {
        action: 'study.recruitment.update',
        entityType: 'study',
        entityId: studyId,
        before,
        after,
      })
    })
    return this.getProfile(tenantId, studyId)
  }

  private async site(tenantId: number, studyId: number, siteId: number): Promise<void> {
    if (!(await this.listSites(tenantId, studyId)).some((s) => s.siteId === siteId))
      throw new NotFound(`Study ${studyId} has no site ${siteId}`)
  }

  /** A site's slots, or those starting in [from, to) when given (instants in any offset; compared in UTC). */
  async listSlots(
    tenantId: number,
    studyId: number,
    siteId: number,
    range: { from?: string | undefined; to?: string | undefined } = {},
  ): Promise<Slot[]> {
    await this.site(tenantId, studyId, siteId)
    const utc = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString())
    const from = utc(range.from)
    const to = utc(range.to)
    if (from !== undefined && to !== undefined && to <= from)
      throw ValidationFailed.one('/querystring/to', 'must be after from', 'range')
    return (await this.catalog.slotsOfSite(tenantId, studyId, siteId, { from, to })).map(slotOf)
  }

  async createSlot(
    tenantId: number,
    studyId: number,
    siteId: number,
    input: SlotInput,
    actor: Actor,
  ): Promise<Slot> {
    await this.site(tenantId, studyId, siteId)
    const start = new Date(input.start).toISOString()
    const end = new Date(input.end).toISOString()
    if (end <= start) throw ValidationFailed.one('/body/end', 'must be after start', 'range')
    return inTransaction(this.db, async (trx) => {
      const row = { tenant_id: tenantId, study_id: studyId, site_id: siteId, starts_at: start, ends_at: end }
      const id = await this.catalog.insertSlot(trx, {
        ...row,
        capacity: input.capacity,
        booked: 0,
        created_at: nowIso(),
      })
      const slot = slotOf({ ...row, id, capacity: input.capacity, booked: 0, created_at: '' })
      await recordAudit(trx, actor, {
        action: 'study.slot.create',
        entityType: 'study',
        entityId: studyId,
        after: slot,
      })
      return slot
    })
  }

  async deleteSlot(
    tenantId: number,
    studyId: number,
    siteId: number,
    slotId: number,
    actor: Actor,
  ): Promise<void> {
    const slot = await this.catalog.findSlot(tenantId, slotId)
    if (slot?.study_id !== studyId || slot.site_id !== siteId)
      throw new NotFound(`Site ${siteId} of study ${studyId} has no slot ${slotId}`)
    await inTransaction(this.db, async (trx) => {
      if (!(await this.catalog.deleteEmptySlot(trx, tenantId, slotId)))
        throw new Conflict(`Slot ${slotId} has bookings; it cannot be deleted`)
      await recordAudit(trx, actor, {
        action: 'study.slot.delete',
        entityType: 'study',
        entityId: studyId,
        before: slotOf(slot),
      })
    })
  }
}
