import type { Kysely } from 'kysely'
import type { AppContext } from '../../context.js'
import { inTransaction } from '../../db/database.js'
import type { DB } from '../../db/schema.js'
import { nowIso } from '../../db/columns.js'
import { unlessDuplicate } from '../../db/errors.js'
import { Conflict, NotFound, ValidationFailed } from '../../errors.js'
import { decodeCursor, limitOf, pageOf, type Page, type PageQuery } from '../../http/pagination.js'
import { recordAudit, type Actor } from '../audit/service.js'
import { StudiesRepository } from '../studies/repository.js'
import { PlansRepository, type PlanFields, type PlanRow } from './repository.js'
import { planRows } from './build.js'
import type { PlanDocument, PlanSummary } from './schemas.js'

function planFields(doc: PlanDocument): PlanFields {
  return {
    name: doc.name,
    code: doc.code ?? null,
    description: doc.description ?? null,
    plan_state: doc.planState ?? 'Draft',
    start_date: doc.startDate,
    currency: doc.currency,
  }
}

export function planSummary(row: PlanRow): PlanSummary {
  return {
    id: row.id,
    studyId: row.study_id,
    name: row.name,
    code: row.code,
    description: row.description,
    planState: row.plan_state,
    startDate: row.start_date,
    currency: row.currency,
    isBaseline: row.is_baseline === 1,
    trackUrl: row.is_baseline === 1 ? `/cleartrial-ws/actuals/${row.id}` : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** Plans of studies: created whole from one document; one baseline per study, whose plan is then fixed. */
export class PlansService {
  readonly repo: PlansRepository
  private readonly studies: StudiesRepository

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {
    this.repo = new PlansRepository(db)
    this.studies = new StudiesRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): PlansService {
    return new PlansService(ctx.db, ctx.database.dialect)
  }

  async get(tenantId: number, planId: number): Promise<PlanRow> {
    const plan = await this.repo.findPlan(tenantId, planId)
    if (!plan) throw new NotFound(`There is no plan ${planId}`)
    return plan
  }

  /**
   * Creates a plan, structure and planned values in one transaction. `options.id` gives it an explicit id (the
   * demo's 10802 and 47323); PostgreSQL's sequence is then moved past it so later plans still get fresh ids.
   */
  async create(
    actor: Actor,
    doc: PlanDocument,
    options: { id?: number; baseline?: boolean } = {},
  ): Promise<PlanRow> {
    const tenantId = actor.tenantId
    const study = await this.studies.findById(tenantId, doc.studyId)
    if (!study) throw new NotFound(`There is no study ${doc.studyId}`)
    planRows(tenantId, 0, doc, 0) // reports every problem before anything is written
    const now = nowIso()
    const planId = await inTransaction(this.db, async (trx) => {
      const id = await this.repo.insertPlan(trx, {
        ...(options.id !== undefined ? { id: options.id } : {}),
        tenant_id: tenantId,
        study_id: doc.studyId,
        ...planFields(doc),
        is_baseline: 0,
        created_at: now,
        updated_at: now,
      })
      if (options.id !== undefined) await this.repo.resyncPlanIds(trx, this.dialect)
      await this.repo.insertStructure(trx, planRows(tenantId, id, doc, Date.now()))
      await recordAudit(trx, actor, {
        action: 'plans.create',
        entityType: 'plan',
        entityId: id,
        after: { studyId: doc.studyId, name: doc.name, locations: doc.locations.length },
      })
      return id
    })
    if (options.baseline === true) return this.setBaseline(actor, planId)
    return this.get(tenantId, planId)
  }

  async list(tenantId: number, query: PageQuery & { studyId?: number }): Promise<Page<PlanSummary>> {
    const limit = limitOf(query)
    const rows = await this.repo.listPlans(tenantId, {
      ...(query.studyId !== undefined ? { studyId: query.studyId } : {}),
      afterId: decodeCursor(query.cursor) ?? 0,
      limit: limit + 1,
    })
    return pageOf(rows, limit, (r) => r.id, planSummary)
  }

  /**
   * Replaces a plan's structure and planned values with a new document. A baseline plan is fixed: its
   * planned values are what earned value is measured against, so changing them answers 409.
   */
  async replace(actor: Actor, planId: number, doc: PlanDocument): Promise<PlanRow> {
    const tenantId = actor.tenantId
    const plan = await this.get(tenantId, planId)
    if (plan.is_baseline === 1) {
      throw new Conflict(
        `Plan ${planId} is the baseline of study ${plan.study_id}; its planned values cannot change. Create a new plan instead`,
      )
    }
    if (doc.studyId !== plan.study_id) {
      throw ValidationFailed.one(
        '/body/studyId',
        `must stay ${plan.study_id}, the study of plan ${planId}`,
        'range',
      )
    }
    const rows = planRows(tenantId, planId, doc, Date.now())
    await inTransaction(this.db, async (trx) => {
      if (!(await this.repo.updateDraft(trx, tenantId, planId, planFields(doc), nowIso())))
        throw new Conflict(`Plan ${planId} became a baseline meanwhile`)
      await this.repo.deleteStructure(trx, tenantId, planId)
      await this.repo.insertStructure(trx, rows)
      await recordAudit(trx, actor, {
        action: 'plans.replace',
        entityType: 'plan',
        entityId: planId,
        after: { name: doc.name, locations: doc.locations.length },
      })
    })
    return this.get(tenantId, planId)
  }

  /** Makes a plan its study's baseline (the previous baseline stops being one). */
  async setBaseline(actor: Actor, planId: number): Promise<PlanRow> {
    const tenantId = actor.tenantId
    const plan = await this.get(tenantId, planId)
    if (plan.is_baseline === 1) return plan
    const previous = await this.repo.baselineOf(tenantId, plan.study_id)
    await unlessDuplicate(
      () =>
        inTransaction(this.db, async (trx) => {
          await this.repo.setBaseline(trx, tenantId, plan, nowIso())
          await recordAudit(trx, actor, {
            action: 'plans.baseline',
            entityType: 'plan',
            entityId: planId,
            before: { baselinePlanId: previous?.id ?? null },
            after: { baselinePlanId: planId },
          })
        }),
      () =>
        new Conflict(
          `Another request changed the baseline of study ${plan.study_id} at the same time; try again`,
        ),
    )
    return this.get(tenantId, planId)
  }
}
