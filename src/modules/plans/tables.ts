import type { Generated } from 'kysely'

/**
 * A plan of a study. Exactly one plan per study may be the baseline (`is_baseline = 1`, enforced by a partial
 * unique index); only the baseline is trackable and its planned values never change while it is the baseline.
 */
export interface PlansTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  name: string
  code: string | null
  description: string | null
  /** Draft | Final */
  plan_state: string
  /** YYYY-MM-DD */
  start_date: string
  currency: string
  is_baseline: number
  created_at: string
  updated_at: string
}

/** A location (country) of a plan; `location_id` 0 is "All Locations". */
export interface PlanLocationsTable {
  tenant_id: number
  plan_id: number
  location_id: number
  name: string
  num_sites: number | null
  sort_order: number
}

/** A service provider (Sponsor or CRO) with its fee payment option (`tracking_level`). */
export interface PlanProvidersTable {
  tenant_id: number
  plan_id: number
  provider_id: number
  name: string
  type: string
  tracking_level: string
  sort_order: number
}

/** A major task of a provider; `budget` (decimal text) is what the task is worth when it is done. */
export interface PlanMajorTasksTable {
  tenant_id: number
  plan_id: number
  provider_id: number
  task_id: number
  name: string
  is_tracked_as_percentage: number
  /** study | location */
  tracking_level: string
  budget: string
  sort_order: number
}

/** A cost of a provider with its earned-value tracking level. */
export interface PlanCostsTable {
  tenant_id: number
  plan_id: number
  provider_id: number
  cost_id: number
  name: string
  type: string
  ev_tracking_level: string
  sort_order: number
}

/**
 * Which locations a unit/fee/cost item is tracked at (listed even when no period is planned there).
 * `resource` is units | fees | costs; `item_id` is the task id (fees: 0 = All Major Tasks) or the cost id.
 */
export interface PlanItemLocationsTable {
  tenant_id: number
  plan_id: number
  resource: string
  provider_id: number
  item_id: number
  location_id: number
  sort_order: number
}

/** A weekly period of sites | subjects | crfs at a location; values are decimal text (exact). */
export interface PlanWeeklyValuesTable {
  id: Generated<number>
  tenant_id: number
  plan_id: number
  resource: string
  location_id: number
  /** YYYY-MM-DD */
  period_date: string
  planned_value: string
  actual_value: string | null
}

/** A monthly period of units | fees | costs of one item at one location; values are decimal text (exact). */
export interface PlanMonthlyValuesTable {
  id: Generated<number>
  tenant_id: number
  plan_id: number
  resource: string
  provider_id: number
  item_id: number
  location_id: number
  start_date: string
  end_date: string
  planned_value: string
  actual_value: string | null
  earned_value: string | null
}

/** The lockToken of one Track resource of a plan; every write to those actuals changes it. */
export interface PlanLockTokensTable {
  tenant_id: number
  plan_id: number
  resource: string
  lock_token: number
}

export interface TrackTables {
  plans: PlansTable
  plan_locations: PlanLocationsTable
  plan_providers: PlanProvidersTable
  plan_major_tasks: PlanMajorTasksTable
  plan_costs: PlanCostsTable
  plan_item_locations: PlanItemLocationsTable
  plan_weekly_values: PlanWeeklyValuesTable
  plan_monthly_values: PlanMonthlyValuesTable
  plan_lock_tokens: PlanLockTokensTable
}

/** This module's tables, part of the whole database's type (`DB` in `db/schema.ts`). */
declare module '../../db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DB extends TrackTables {}
}
