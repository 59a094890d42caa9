import { ErrorList } from '../../errors.js'
import { TRACK_RESOURCES, type PlanRows } from './repository.js'
import { EV_AUTO, EV_DERIVED } from '../track/validate.js'
import { decimalText, isIsoDate } from '../track/values.js'
import type { ItemLocationDoc as ItemLocation, PlanDocument } from './schemas.js'

/**
 * Checks a plan document beyond its schema (ids known and unique, dates real and in order, values in range)
 * and turns it into rows; every problem is reported at once.
 */
export function planRows(tenantId: number, planId: number, doc: PlanDocument, lockToken: number): PlanRows {
  const errors = new ErrorList()
  const base = { tenant_id: tenantId, plan_id: planId }
  const rows: PlanRows = {
    locations: [],
    providers: [],
    majorTasks: [],
    costs: [],
    itemLocations: [],
    weekly: [],
    monthly: [],
    tokens: TRACK_RESOURCES.map((resource) => ({ ...base, resource, lock_token: lockToken })),
  }
  if (!isIsoDate(doc.startDate)) errors.add('/body/startDate', 'is not a real date', 'date')
  const known = new Set<number>()
  doc.locations.forEach((l, i) => {
    if (known.has(l.locationId))
      errors.add(`/body/locations/${i}/locationId`, `location ${l.locationId} is listed twice`, 'duplicate')
    known.add(l.locationId)
    rows.locations.push({
      ...base,
      location_id: l.locationId,
      name: l.name,
      num_sites: l.numSites ?? null,
      sort_order: i,
    })
  })
  const value = (v: number | string, path: string, max?: number): string => {
    const n = Number(v)
    if (!Number.isFinite(n) || n < 0 || (max !== undefined && n > max)) {
      errors.add(
        path,
        max === undefined ? 'must be a number of at least 0' : `must be between 0 and ${max}`,
        'range',
      )
    }
    return decimalText(v)
  }
  const locationKnown = (id: number, path: string): boolean => {
    if (!known.has(id)) errors.add(path, `location ${id} is not one of the plan's locations`, 'unknown')
    return known.has(id)
  }

  for (const resource of ['sites', 'subjects', 'crfs'] as const) {
    doc.weekly?.[resource]?.forEach((series, i) => {
      const path = `/body/weekly/${resource}/${i}`
      locationKnown(series.locationId, `${path}/locationId`)
      const dates = new Set<string>()
      series.periods.forEach((p, j) => {
        if (!isIsoDate(p.date)) errors.add(`${path}/periods/${j}/date`, 'is not a real date', 'date')
        if (dates.has(p.date))
          errors.add(`${path}/periods/${j}/date`, `week ${p.date} is listed twice`, 'duplicate')
        dates.add(p.date)
        rows.weekly.push({
          ...base,
          resource,
          location_id: series.locationId,
          period_date: p.date,
          planned_value: value(p.plannedValue, `${path}/periods/${j}/plannedValue`),
          actual_value: null,
        })
      })
    })
  }

  const monthly = (
    resource: 'units' | 'fees' | 'costs',
    providerId: number,
    itemId: number,
    locations: ItemLocation[],
    path: string,
    options: { level?: 'study' | 'location'; percentage?: boolean; derived?: boolean },
  ) => {
    const seen = new Set<number>()
    locations.forEach((loc, i) => {
      const lPath = `${path}/locations/${i}`
      if (!locationKnown(loc.locationId, `${lPath}/locationId`)) return
      if (seen.has(loc.locationId)) errors.add(`${lPath}/locationId`, 'is listed twice', 'duplicate')
      seen.add(loc.locationId)
      if (options.level === 'study' && loc.locationId !== 0) {
        errors.add(
          `${lPath}/locationId`,
          'a study-level task is tracked at location 0 (All Locations) only',
          'range',
        )
      }
      if (options.level === 'location' && loc.locationId === 0) {
        errors.add(
          `${lPath}/locationId`,
          'a location-level task is tracked per country, not at location 0',
          'range',
        )
      }
      rows.itemLocations.push({
        ...base,
        resource,
        provider_id: providerId,
        item_id: itemId,
        location_id: loc.locationId,
        sort_order: rows.itemLocations.length,
      })
      const starts = new Set<string>()
      let sum = 0
      loc.periods?.forEach((p, j) => {
        const pPath = `${lPath}/periods/${j}`
        if (!isIsoDate(p.startDate)) errors.add(`${pPath}/startDate`, 'is not a real date', 'date')
        if (!isIsoDate(p.endDate) || p.endDate < p.startDate)
          errors.add(`${pPath}/endDate`, 'must be a real date on or after startDate', 'date')
        if (starts.has(p.startDate))
          errors.add(`${pPath}/startDate`, `period ${p.startDate} is listed twice`, 'duplicate')
        starts.add(p.startDate)
        const planned = value(
          p.plannedValue,
          `${pPath}/plannedValue`,
          options.percentage === true ? 1 : undefined,
        )
        sum += Number(planned)
        rows.monthly.push({
          ...base,
          resource,
          provider_id: providerId,
          item_id: itemId,
          location_id: loc.locationId,
          start_date: p.startDate,
          end_date: p.endDate,
          planned_value: planned,
          actual_value: null,
          earned_value: options.derived === true ? planned : null,
        })
      })
      if (options.percentage === true && sum > 1 + 1e-9) {
        errors.add(
          `${lPath}/periods`,
          `a task tracked as a percentage plans at most 1 in total, not ${sum}`,
          'range',
        )
      }
    })
  }

  const providerIds = new Set<number>()
  doc.serviceProviders?.forEach((sp, i) => {
    const path = `/body/serviceProviders/${i}`
    if (providerIds.has(sp.id))
      errors.add(`${path}/id`, `service provider ${sp.id} is listed twice`, 'duplicate')
    providerIds.add(sp.id)
    rows.providers.push({
      ...base,
      provider_id: sp.id,
      name: sp.name,
      type: sp.type ?? 'CRO',
      tracking_level: sp.trackingLevel,
      sort_order: i,
    })
    const taskIds = new Set<number>()
    sp.majorTasks?.forEach((t, k) => {
      const tPath = `${path}/majorTasks/${k}`
      if (taskIds.has(t.id)) errors.add(`${tPath}/id`, `major task ${t.id} is listed twice`, 'duplicate')
      taskIds.add(t.id)
      rows.majorTasks.push({
        ...base,
        provider_id: sp.id,
        task_id: t.id,
        name: t.name,
        is_tracked_as_percentage: t.isTrackedAsPercentage ? 1 : 0,
        tracking_level: t.trackingLevel,
        budget: value(t.budget ?? 0, `${tPath}/budget`),
        sort_order: rows.majorTasks.length,
      })
      monthly('units', sp.id, t.id, t.locations, tPath, {
        level: t.trackingLevel,
        percentage: t.isTrackedAsPercentage,
      })
    })
    const feeIds = new Set<number>()
    sp.fees?.forEach((f, k) => {
      const fPath = `${path}/fees/${k}`
      if (f.majorTaskId !== 0 && !taskIds.has(f.majorTaskId)) {
        errors.add(
          `${fPath}/majorTaskId`,
          `major task ${f.majorTaskId} is not a task of service provider ${sp.id}`,
          'unknown',
        )
      }
      if (feeIds.has(f.majorTaskId)) errors.add(`${fPath}/majorTaskId`, 'is listed twice', 'duplicate')
      feeIds.add(f.majorTaskId)
      monthly('fees', sp.id, f.majorTaskId, f.locations, fPath, {})
    })
    const costIds = new Set<number>()
    sp.costs?.forEach((c, k) => {
      const cPath = `${path}/costs/${k}`
      if (costIds.has(c.id)) errors.add(`${cPath}/id`, `cost ${c.id} is listed twice`, 'duplicate')
      costIds.add(c.id)
      // The user guide's "Enter AP only (sets AP to EV)" is the seed's "Auto-tracked (set EV to AC)".
      const level =
        c.earnedValueTrackingLevel === 'Enter AP only (sets AP to EV)' ? EV_AUTO : c.earnedValueTrackingLevel
      rows.costs.push({
        ...base,
        provider_id: sp.id,
        cost_id: c.id,
        name: c.name,
        type: c.type ?? 'Miscellaneous',
        ev_tracking_level: level,
        sort_order: rows.costs.length,
      })
      monthly('costs', sp.id, c.id, c.locations, cPath, { derived: level === EV_DERIVED })
    })
  })
  errors.throwIfAny()
  return rows
}
