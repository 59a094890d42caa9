import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { RawNumber, type Value } from '../../http/xml.js'
import {
  WEEKLY_RESOURCES,
  type CostRow,
  type ItemLocationRow,
  type LocationRow,
  type MajorTaskRow,
  type MonthlyResource,
  type MonthlyRow,
  type PlansRepository,
  type ProviderRow,
  type TrackResource,
  type WeeklyResource,
  type WeeklyRow,
} from '../plans/repository.js'
import { jsonNumber, toTrackDate } from './values.js'

export const ROOT_NAMES: Record<TrackResource, string> = {
  sites: 'actualSites',
  subjects: 'actualSubjects',
  crfs: 'actualCrfs',
  units: 'actualUnits',
  fees: 'actualFees',
  costs: 'actualCosts',
}

/** Element names that are arrays in the Track representations (XML keeps them arrays even with one element). */
export const TRACK_XML_ARRAYS = ['location', 'periods', 'serviceProvider', 'majorTask', 'cost']

const ALL_MAJOR_TASKS = 'All Major Tasks'

export interface WeeklyModel {
  kind: 'weekly'
  resource: WeeklyResource
  planId: number
  locations: LocationRow[]
  /** location id → its periods, in date order */
  periods: Map<number, WeeklyRow[]>
}

interface MonthlyItem {
  id: number
  name: string
  task?: MajorTaskRow
  cost?: CostRow
  /** location ids where the item is tracked, in order */
  locations: ItemLocationRow[]
}

export interface MonthlyModel {
  kind: 'monthly'
  resource: MonthlyResource
  planId: number
  locationNames: Map<number, string>
  providers: { provider: ProviderRow; items: MonthlyItem[] }[]
  /** `${provider}|${item}|${location}` → periods in date order */
  periods: Map<string, MonthlyRow[]>
}

export type TrackModel = WeeklyModel | MonthlyModel

export const itemKey = (provider: number, item: number, location: number): string =>
  `${provider}|${item}|${location}`

function isWeekly(resource: TrackResource): resource is WeeklyResource {
  return (WEEKLY_RESOURCES as readonly string[]).includes(resource)
}

/** Everything one Track resource of a plan shows, read with `db` (a transaction or the pool). */
export async function loadModel(
  repo: PlansRepository,
  db: Kysely<DB>,
  tenantId: number,
  planId: number,
  resource: TrackResource,
): Promise<TrackModel> {
  const locations = await repo.locations(tenantId, planId)
  if (isWeekly(resource)) {
    const periods = new Map<number, WeeklyRow[]>()
    for (const row of await repo.weeklyValues(db, tenantId, planId, resource)) {
      const list = periods.get(row.location_id)
      if (list) list.push(row)
      else periods.set(row.location_id, [row])
    }
    return { kind: 'weekly', resource, planId, locations, periods }
  }
  const [providers, tasks, costs, itemLocations, rows] = await Promise.all([
    repo.providers(tenantId, planId),
    resource === 'costs' ? Promise.resolve([]) : repo.majorTasks(tenantId, planId),
    resource === 'costs' ? repo.costs(tenantId, planId) : Promise.resolve([]),
    repo.itemLocations(tenantId, planId, resource),
    repo.monthlyValues(db, tenantId, planId, resource),
  ])
  const periods = new Map<string, MonthlyRow[]>()
  for (const row of rows) {
    const key = itemKey(row.provider_id, row.item_id, row.location_id)
    const list = periods.get(key)
    if (list) list.push(row)
    else periods.set(key, [row])
  }
  const locationsOf = new Map<string, ItemLocationRow[]>()
  for (const l of itemLocations) {
    const key = `${l.provider_id}|${l.item_id}`
    const list = locationsOf.get(key)
    if (list) list.push(l)
    else locationsOf.set(key, [l])
  }
  const taskOf = new Map(tasks.map((t) => [`${t.provider_id}|${t.task_id}`, t]))
  const out: MonthlyModel['providers'] = []
  for (const provider of providers) {
    const items: MonthlyItem[] = []
    if (resource === 'costs') {
      for (const cost of costs.filter((c) => c.provider_id === provider.provider_id)) {
        const locs = locationsOf.get(`${provider.provider_id}|${cost.cost_id}`) ?? []
        items.push({ id: cost.cost_id, name: cost.name, cost, locations: locs })
      }
    } else if (resource === 'units') {
      for (const task of tasks.filter((t) => t.provider_id === provider.provider_id)) {
        const locs = locationsOf.get(`${provider.provider_id}|${task.task_id}`) ?? []
        items.push({ id: task.task_id, name: task.name, task, locations: locs })
      }
    } else {
      const feeItems = [
        ...new Set(itemLocations.filter((l) => l.provider_id === provider.provider_id).map((l) => l.item_id)),
      ]
      for (const id of feeItems) {
        const task = taskOf.get(`${provider.provider_id}|${id}`)
        const locs = locationsOf.get(`${provider.provider_id}|${id}`) ?? []
        items.push({ id, name: task?.name ?? ALL_MAJOR_TASKS, ...(task ? { task } : {}), locations: locs })
      }
    }
    // Units list the providers with major tasks, costs those with costs; fees list every provider.
    if (items.length > 0 || resource === 'fees') out.push({ provider, items })
  }
  return {
    kind: 'monthly',
    resource,
    planId,
    locationNames: new Map(locations.map((l) => [l.location_id, l.name])),
    providers: out,
    periods,
  }
}

const num = (text: string | null, double: boolean): RawNumber | null =>
  text === null ? null : new RawNumber(jsonNumber(text, double))

/** The Track representation of a model, as the seed shows it. */
export function representation(model: TrackModel, lockToken: number): Record<string, Value> {
  const root = ROOT_NAMES[model.resource]
  const url = `/cleartrial-ws/actuals/${model.planId}/${model.resource}`
  if (model.kind === 'weekly') {
    const location = model.locations.map((l) => {
      const periods = model.periods.get(l.location_id)
      return {
        locationId: l.location_id,
        locationName: l.name,
        periods: periods?.map((p) => ({
          date: toTrackDate(p.period_date),
          plannedValue: num(p.planned_value, false),
          actualValue: num(p.actual_value, false),
        })),
      }
    })
    return { [root]: { lockToken, planId: model.planId, location, url } }
  }
  const isCosts = model.resource === 'costs'
  const serviceProvider = model.providers.map(({ provider, items }) => {
    const list = items.map((item) => ({
      id: item.id,
      name: item.name,
      isTrackedAsPercentage:
        model.resource === 'units' && item.task ? item.task.is_tracked_as_percentage === 1 : undefined,
      earnedValueTrackingLevel: item.cost?.ev_tracking_level,
      location: item.locations.map((l) => {
        const periods = model.periods.get(itemKey(provider.provider_id, item.id, l.location_id))
        return {
          locationId: l.location_id,
          locationName: model.locationNames.get(l.location_id) ?? '',
          periods: periods?.map((p) => ({
            startDate: toTrackDate(p.start_date),
            endDate: toTrackDate(p.end_date),
            plannedValue: num(p.planned_value, true),
            earnedValue: isCosts ? num(p.earned_value, true) : undefined,
            actualValue: num(p.actual_value, true),
          })),
        }
      }),
    }))
    return {
      id: provider.provider_id,
      name: provider.name,
      trackingLevel: model.resource === 'fees' ? provider.tracking_level : undefined,
      [isCosts ? 'cost' : 'majorTask']: list.length > 0 ? list : undefined,
    }
  })
  return { [root]: { lockToken, planId: model.planId, serviceProvider, url } }
}
