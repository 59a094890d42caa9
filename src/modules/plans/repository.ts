import type BetterSqlite3 from 'better-sqlite3'
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely'
import type { DB } from '../../db/schema.js'
import type {
  PlanCostsTable,
  PlanItemLocationsTable,
  PlanLocationsTable,
  PlanMajorTasksTable,
  PlanMonthlyValuesTable,
  PlanProvidersTable,
  PlansTable,
  PlanWeeklyValuesTable,
} from './tables.js'

export type PlanRow = Selectable<PlansTable>
/** What a plan document says of the plan itself (the rest is its structure). */
export type PlanFields = Pick<
  PlanRow,
  'name' | 'code' | 'description' | 'plan_state' | 'start_date' | 'currency'
>
export type LocationRow = Selectable<PlanLocationsTable>
export type ProviderRow = Selectable<PlanProvidersTable>
export type MajorTaskRow = Selectable<PlanMajorTasksTable>
export type CostRow = Selectable<PlanCostsTable>
export type ItemLocationRow = Selectable<PlanItemLocationsTable>
export type WeeklyRow = Selectable<PlanWeeklyValuesTable>
export type MonthlyRow = Selectable<PlanMonthlyValuesTable>

export const WEEKLY_RESOURCES = ['sites', 'subjects', 'crfs'] as const
const MONTHLY_RESOURCES = ['units', 'fees', 'costs'] as const
export const TRACK_RESOURCES = [...WEEKLY_RESOURCES, ...MONTHLY_RESOURCES] as const
export type WeeklyResource = (typeof WEEKLY_RESOURCES)[number]
export type MonthlyResource = (typeof MONTHLY_RESOURCES)[number]
export type TrackResource = (typeof TRACK_RESOURCES)[number]

/** Rows per multi-row statement: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500

async function insertChunked<T extends keyof DB>(
  db: Kysely<DB>,
  table: T,
  rows: Insertable<DB[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK))
      .execute()
  }
}

/** `lockTokenOf` as one prepared SQLite statement, for the hot path of every Track GET. */
export function sqliteTokenReader(
  sqlite: BetterSqlite3.Database,
): (tenantId: number, planId: number, resource: TrackResource) => Promise<number | undefined> {
  const statement = sqlite.prepare<[number, number, string, number], { lock_token: number }>(
    `select t.lock_token from plan_lock_tokens t join plans p on p.id = t.plan_id
       where t.tenant_id = ? and t.plan_id = ? and t.resource = ? and p.tenant_id = ? and p.is_baseline = 1`,
  )
  return (tenantId, planId, resource) =>
    Promise.resolve(statement.get(tenantId, planId, resource, tenantId)?.lock_token)
}

/** SQL for plans and their Track data; the tenant id comes first in every method. */
/** A plan's structure and values as rows, ready to insert (built from a plan document by `plans/build.ts`). */
export interface PlanRows {
  locations: Insertable<PlanLocationsTable>[]
  providers: Insertable<PlanProvidersTable>[]
  majorTasks: Insertable<PlanMajorTasksTable>[]
  costs: Insertable<PlanCostsTable>[]
  itemLocations: Insertable<PlanItemLocationsTable>[]
  weekly: Insertable<PlanWeeklyValuesTable>[]
  monthly: Insertable<PlanMonthlyValuesTable>[]
  tokens: { tenant_id: number; plan_id: number; resource: string; lock_token: number }[]
}

export class PlansRepository {
  constructor(readonly db: Kysely<DB>) {}

  findPlan(tenantId: number, planId: number): Promise<PlanRow | undefined> {
    return this.db
      .selectFrom('plans')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', planId)
      .executeTakeFirst()
  }

  listPlans(
    tenantId: number,
    options: { studyId?: number; afterId?: number; limit?: number } = {},
  ): Promise<PlanRow[]> {
    let q = this.db.selectFrom('plans').selectAll().where('tenant_id', '=', tenantId)
    if (options.studyId !== undefined) q = q.where('study_id', '=', options.studyId)
    if (options.afterId !== undefined) q = q.where('id', '>', options.afterId)
    if (options.limit !== undefined) q = q.limit(options.limit)
    return q.orderBy('id').execute()
  }

  baselineOf(tenantId: number, studyId: number): Promise<PlanRow | undefined> {
    return this.db
      .selectFrom('plans')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .where('is_baseline', '=', 1)
      .executeTakeFirst()
  }

  /** Whether a plan has this id in any tenant (the demo keeps the fixtures' plan ids, so it looks first). */
  async planIdTaken(planId: number): Promise<boolean> {
    return (
      (await this.db.selectFrom('plans').select('id').where('id', '=', planId).executeTakeFirst()) !==
      undefined
    )
  }

  /** A draft plan's own fields replaced; false when it is a baseline (or gone) by now. */
  async updateDraft(
    db: Kysely<DB>,
    tenantId: number,
    planId: number,
    values: PlanFields,
    now: string,
  ): Promise<boolean> {
    const updated = await db
      .updateTable('plans')
      .set({ ...values, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', planId)
      .where('is_baseline', '=', 0)
      .executeTakeFirst()
    return Number(updated.numUpdatedRows) === 1
  }

  /** The current lockToken of a baseline plan's resource; undefined when there is no such baseline plan. */
  async lockTokenOf(tenantId: number, planId: number, resource: TrackResource): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('plan_lock_tokens as t')
      .innerJoin('plans as p', 'p.id', 't.plan_id')
      .select('t.lock_token')
      .where('t.tenant_id', '=', tenantId)
      .where('p.tenant_id', '=', tenantId)
      .where('t.plan_id', '=', planId)
      .where('t.resource', '=', resource)
      .where('p.is_baseline', '=', 1)
      .executeTakeFirst()
    return row?.lock_token
  }

  /**
   * The check and the write in one statement: changes the token only if it still is `expected`. Under
   * PostgreSQL a concurrent writer with the same token waits on the row and then finds no match.
   */
  async swapLockToken(
    db: Kysely<DB>,
    tenantId: number,
    planId: number,
    resource: TrackResource,
    expected: number,
    next: number,
  ): Promise<boolean> {
    const result = await db
      .updateTable('plan_lock_tokens')
      .set({ lock_token: next })
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .where('resource', '=', resource)
      .where('lock_token', '=', expected)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  locations(tenantId: number, planId: number): Promise<LocationRow[]> {
    return this.db
      .selectFrom('plan_locations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .orderBy('sort_order')
      .execute()
  }

  providers(tenantId: number, planId: number): Promise<ProviderRow[]> {
    return this.db
      .selectFrom('plan_providers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .orderBy('sort_order')
      .execute()
  }

  majorTasks(tenantId: number, planId: number): Promise<MajorTaskRow[]> {
    return this.db
      .selectFrom('plan_major_tasks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .orderBy('sort_order')
      .execute()
  }

  costs(tenantId: number, planId: number): Promise<CostRow[]> {
    return this.db
      .selectFrom('plan_costs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .orderBy('sort_order')
      .execute()
  }

  itemLocations(tenantId: number, planId: number, resource: MonthlyResource): Promise<ItemLocationRow[]> {
    return this.db
      .selectFrom('plan_item_locations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .where('resource', '=', resource)
      .orderBy('sort_order')
      .execute()
  }

  weeklyValues(
    db: Kysely<DB>,
    tenantId: number,
    planId: number,
    resource: WeeklyResource,
  ): Promise<WeeklyRow[]> {
    return db
      .selectFrom('plan_weekly_values')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .where('resource', '=', resource)
      .orderBy('location_id')
      .orderBy('period_date')
      .execute()
  }

  monthlyValues(
    db: Kysely<DB>,
    tenantId: number,
    planId: number,
    resource: MonthlyResource,
  ): Promise<MonthlyRow[]> {
    return db
      .selectFrom('plan_monthly_values')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .where('resource', '=', resource)
      .orderBy('provider_id')
      .orderBy('item_id')
      .orderBy('location_id')
      .orderBy('start_date')
      .execute()
  }

  /**
   * Sets the actual values of many weekly periods by id (ids the caller read for this tenant and plan), a few
   * hundred rows per statement. The join is on the primary key alone (plus the tenant as a filter): with a
   * `plan_id` predicate, PostgreSQL's planner, before statistics exist for a freshly created plan, chose a scan
   * of the plan's rows per value row (minutes for 13,000 periods instead of milliseconds).
   */
  async updateWeeklyActuals(
    db: Kysely<DB>,
    tenantId: number,
    planId: number,
    rows: readonly { id: number; actual: string | null }[],
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = sql.join(
        rows.slice(i, i + CHUNK).map((r) => sql`(cast(${r.id} as bigint), cast(${r.actual} as text))`),
      )
      await sql`with v(vid, actual) as (values ${values})
        update plan_weekly_values set actual_value = v.actual from v
        where plan_weekly_values.id = v.vid and plan_weekly_values.tenant_id = ${tenantId}`.execute(db)
    }
  }

  /** Every lockToken of a plan moved on: what a write to its actuals outside the Track API must do. */
  async bumpLockTokens(db: Kysely<DB>, tenantId: number, planId: number): Promise<void> {
    await db
      .updateTable('plan_lock_tokens')
      .set((eb) => ({ lock_token: eb('lock_token', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('plan_id', '=', planId)
      .execute()
  }

  /** Sets the actual and earned values of many monthly periods by id. */
  async updateMonthlyActuals(
    db: Kysely<DB>,
    tenantId: number,
    planId: number,
    rows: readonly { id: number; actual: string | null; earned: string | null }[],
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = sql.join(
        rows
          .slice(i, i + CHUNK)
          .map((r) => sql`(cast(${r.id} as bigint), cast(${r.actual} as text), cast(${r.earned} as text))`),
      )
      await sql`with v(vid, actual, earned) as (values ${values})
        update plan_monthly_values set actual_value = v.actual, earned_value = v.earned from v
        where plan_monthly_values.id = v.vid and plan_monthly_values.tenant_id = ${tenantId}`.execute(db)
    }
  }

  async insertPlan(db: Kysely<DB>, row: Insertable<PlansTable> & { id?: number }): Promise<number> {
    const inserted = await db.insertInto('plans').values(row).returning('id').executeTakeFirstOrThrow()
    return inserted.id
  }

  /** After rows with explicit ids (the demo's 10802, 47323), moves PostgreSQL's sequence past them. */
  async resyncPlanIds(db: Kysely<DB>, dialect: 'sqlite' | 'postgres'): Promise<void> {
    if (dialect !== 'postgres') return // SQLite's AUTOINCREMENT already continues after the largest id
    await sql`select setval(pg_get_serial_sequence('plans', 'id'), (select coalesce(max(id), 1) from plans))`.execute(
      db,
    )
  }

  async insertStructure(db: Kysely<DB>, rows: PlanRows): Promise<void> {
    await insertChunked(db, 'plan_locations', rows.locations)
    await insertChunked(db, 'plan_providers', rows.providers)
    await insertChunked(db, 'plan_major_tasks', rows.majorTasks)
    await insertChunked(db, 'plan_costs', rows.costs)
    await insertChunked(db, 'plan_item_locations', rows.itemLocations)
    await insertChunked(db, 'plan_weekly_values', rows.weekly)
    await insertChunked(db, 'plan_monthly_values', rows.monthly)
    await insertChunked(db, 'plan_lock_tokens', rows.tokens)
  }

  /** Removes a plan's structure and values (before it is replaced by a new document). */
  async deleteStructure(db: Kysely<DB>, tenantId: number, planId: number): Promise<void> {
    for (const table of [
      'plan_lock_tokens',
      'plan_monthly_values',
      'plan_weekly_values',
      'plan_item_locations',
      'plan_costs',
      'plan_major_tasks',
      'plan_providers',
      'plan_locations',
    ] as const) {
      await db.deleteFrom(table).where('tenant_id', '=', tenantId).where('plan_id', '=', planId).execute()
    }
  }

  async setBaseline(db: Kysely<DB>, tenantId: number, plan: PlanRow, now: string): Promise<void> {
    await db
      .updateTable('plans')
      .set({ is_baseline: 0, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', plan.study_id)
      .where('is_baseline', '=', 1)
      .where('id', '!=', plan.id)
      .execute()
    await db
      .updateTable('plans')
      .set({ is_baseline: 1, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', plan.id)
      .execute()
  }
}
