import type { Kysely } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import { NotFound } from '../../../errors.js'
import { listAllStudies, StudiesRepository, type StudyRow } from '../../studies/repository.js'
import { PlansRepository, TRACK_RESOURCES, type PlanRow } from '../../plans/repository.js'
import { RawNumber, type Value } from '../../../http/xml.js'
import { jsonNumber, toTrackDate } from '../values.js'

const BASE = '/cleartrial-ws'

/** A resource in both of the reference's list conventions: `{"List":[…]}` in JSON, `<plural><item/>…` in XML. */
export interface Listed {
  json: Record<string, Value>
  xml: Record<string, Value>
}

const dateOfTimestamp = (iso: string): string => toTrackDate(iso.slice(0, 10))

/** The read-only plan resources of the Track-compatible surface, in the vendor's conventions. */
export class TrackResources {
  private readonly plans: PlansRepository
  private readonly studies: StudiesRepository

  constructor(db: Kysely<DB>) {
    this.plans = new PlansRepository(db)
    this.studies = new StudiesRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): TrackResources {
    return new TrackResources(ctx.db)
  }

  private async study(tenantId: number, id: number): Promise<StudyRow> {
    const row = await this.studies.findById(tenantId, id)
    if (!row) throw new NotFound(`There is no study ${id}`)
    return row
  }

  private async plan(tenantId: number, id: number): Promise<PlanRow> {
    const row = await this.plans.findPlan(tenantId, id)
    if (!row) throw new NotFound(`There is no plan ${id}`)
    return row
  }

  private async studyValue(tenantId: number, s: StudyRow): Promise<Record<string, Value>> {
    const baseline = await this.plans.baselineOf(tenantId, s.id)
    return {
      id: s.id,
      name: s.name,
      protocol: s.protocol,
      phase: s.phase,
      sponsor: s.sponsor,
      compound: s.compound,
      status: s.status,
      actualsPlanId: baseline?.id ?? null,
      actualsPlanUrl: baseline ? `${BASE}/actuals/${baseline.id}` : null,
      plansUrl: `${BASE}/plans?studyId=${s.id}`,
      createdDate: dateOfTimestamp(s.created_at),
      lastModifiedDate: dateOfTimestamp(s.updated_at),
      url: `${BASE}/studies/${s.id}`,
    }
  }

  /** What `actualsPlanUrl` points at: the baseline plan's actuals resources, each with its url. */
  async actuals(tenantId: number, planId: number): Promise<Record<string, Value>> {
    const p = await this.plan(tenantId, planId)
    if (p.is_baseline !== 1) throw new NotFound(`Plan ${planId} is not a baseline plan, so it has no actuals`)
    const url = `${BASE}/actuals/${p.id}`
    return {
      actuals: {
        planId: p.id,
        planName: p.name,
        studyId: p.study_id,
        resource: TRACK_RESOURCES.map((name) => ({ name, url: `${url}/${name}` })),
        planUrl: `${BASE}/plans/${p.id}`,
        url,
      },
    }
  }

  private planValue(p: PlanRow): Record<string, Value> {
    return {
      id: p.id,
      name: p.name,
      code: p.code,
      description: p.description,
      planState: p.plan_state,
      isBaseline: p.is_baseline === 1,
      startDate: toTrackDate(p.start_date),
      currency: p.currency,
      studyId: p.study_id,
      studyUrl: `${BASE}/studies/${p.study_id}`,
      locationsUrl: `${BASE}/plans/${p.id}/locations`,
      serviceProviderUrl: `${BASE}/plans/${p.id}/serviceProvider`,
      costUrl: `${BASE}/plans/${p.id}/cost`,
      subjectEnrollmentScheduleUrl: `${BASE}/plans/${p.id}/subjectEnrollmentSchedule`,
      actualsUrl: p.is_baseline === 1 ? `${BASE}/actuals/${p.id}` : null,
      createdDate: dateOfTimestamp(p.created_at),
      lastModifiedDate: dateOfTimestamp(p.updated_at),
      url: `${BASE}/plans/${p.id}`,
    }
  }

  async listStudies(tenantId: number): Promise<Listed> {
    const rows = await listAllStudies(this.plans.db, tenantId)
    const items: Value[] = []
    for (const s of rows) items.push(await this.studyValue(tenantId, s))
    return { json: { List: items }, xml: { studyRepresentations: { study: items } } }
  }

  async getStudy(tenantId: number, id: number): Promise<Record<string, Value>> {
    return { study: await this.studyValue(tenantId, await this.study(tenantId, id)) }
  }

  async listPlans(tenantId: number, studyId?: number): Promise<Listed> {
    const rows = await this.plans.listPlans(tenantId, studyId === undefined ? {} : { studyId })
    const items = rows.map((p) => this.planValue(p))
    return { json: { List: items }, xml: { planRepresentations: { plan: items } } }
  }

  async getPlan(tenantId: number, id: number): Promise<Record<string, Value>> {
    return { plan: this.planValue(await this.plan(tenantId, id)) }
  }

  async locations(tenantId: number, id: number): Promise<Record<string, Value>> {
    const plan = await this.plan(tenantId, id)
    const rows = await this.plans.locations(tenantId, plan.id)
    return {
      planLocations: {
        planId: plan.id,
        planLocation: rows.map((l) => ({
          locationId: l.location_id,
          locationName: l.name,
          numSites: l.num_sites,
        })),
        url: `${BASE}/plans/${plan.id}/locations`,
      },
    }
  }

  async serviceProviders(tenantId: number, id: number): Promise<Record<string, Value>> {
    const plan = await this.plan(tenantId, id)
    const rows = await this.plans.providers(tenantId, plan.id)
    return {
      serviceProviders: {
        planId: plan.id,
        serviceProvider: rows.map((p) => ({
          id: p.provider_id,
          name: p.name,
          type: p.type,
          trackingLevel: p.tracking_level,
        })),
        url: `${BASE}/plans/${plan.id}/serviceProvider`,
      },
    }
  }

  /** Costs with their planned amount per location over the span of their periods. */
  async costs(tenantId: number, id: number): Promise<Record<string, Value>> {
    const plan = await this.plan(tenantId, id)
    const [costs, locations, values] = await Promise.all([
      this.plans.costs(tenantId, plan.id),
      this.plans.locations(tenantId, plan.id),
      this.plans.monthlyValues(this.plans.db, tenantId, plan.id, 'costs'),
    ])
    const names = new Map(locations.map((l) => [l.location_id, l.name]))
    return {
      costs: {
        planId: plan.id,
        cost: costs.map((c) => {
          const mine = values.filter((v) => v.provider_id === c.provider_id && v.item_id === c.cost_id)
          const locationIds = [...new Set(mine.map((v) => v.location_id))]
          return {
            id: c.cost_id,
            name: c.name,
            type: c.type,
            serviceProviderId: c.provider_id,
            earnedValueTrackingLevel: c.ev_tracking_level,
            location: locationIds.map((locationId) => {
              const periods = mine.filter((v) => v.location_id === locationId)
              const total = periods.reduce((s, v) => s + Number(v.planned_value), 0)
              return {
                locationId,
                locationName: names.get(locationId) ?? '',
                startDate: toTrackDate(periods[0]?.start_date ?? plan.start_date),
                endDate: toTrackDate(periods[periods.length - 1]?.end_date ?? plan.start_date),
                amount: {
                  currency: plan.currency,
                  totalAmount: new RawNumber(jsonNumber(String(total), true)),
                },
              }
            }),
          }
        }),
        url: `${BASE}/plans/${plan.id}/cost`,
      },
    }
  }

  /** Planned subjects per location and week, with the running total. */
  async subjectEnrollmentSchedule(tenantId: number, id: number): Promise<Record<string, Value>> {
    const plan = await this.plan(tenantId, id)
    const [locations, rows] = await Promise.all([
      this.plans.locations(tenantId, plan.id),
      this.plans.weeklyValues(this.plans.db, tenantId, plan.id, 'subjects'),
    ])
    return {
      subjectEnrollmentSchedule: {
        planId: plan.id,
        location: locations.map((l) => {
          let cumulative = 0
          const periods = rows
            .filter((r) => r.location_id === l.location_id)
            .map((r) => {
              const n = Number(r.planned_value)
              cumulative += n
              const end = new Date(Date.parse(`${r.period_date}T00:00:00Z`) + 6 * 86_400_000)
                .toISOString()
                .slice(0, 10)
              return {
                startDate: toTrackDate(r.period_date),
                endDate: toTrackDate(end),
                numSubjectsEnrolled: n,
                cumulativeSubjectsEnrolled: cumulative,
              }
            })
          return {
            locationId: l.location_id,
            locationName: l.name,
            periods: periods.length > 0 ? periods : undefined,
          }
        }),
        url: `${BASE}/plans/${plan.id}/subjectEnrollmentSchedule`,
      },
    }
  }
}
