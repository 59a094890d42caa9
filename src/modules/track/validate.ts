import { ErrorList } from '../../errors.js'
import { itemKey, ROOT_NAMES, type MonthlyModel, type TrackModel, type WeeklyModel } from './model.js'
import type { MonthlyRow, WeeklyRow } from '../plans/repository.js'
import { decimalText, parseTrackDate } from './values.js'
import { INT32_MAX, MAX_AMOUNT } from '../../http/schemas.js'

/** Cost earned-value tracking levels. "Auto-tracked" is the seed's label of "Enter AP only (sets AP to EV)". */
export const EV_AUTO = 'Auto-tracked (set EV to AC)'
export const EV_ENTERED = 'Enter EV and AP'
export const EV_DERIVED = 'Derived'

export interface PeriodChange {
  /** Where, for the audit trail: location, item and period. */
  where: Record<string, string | number>
  id: number
  before: { actual: string | null; earned?: string | null }
  after: { actual: string | null; earned?: string | null }
}

export interface ValidatedPost {
  lockToken: unknown
  changes: PeriodChange[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const EMPTY = 'Field cannot be empty'
const EPSILON = 1e-9

function list(errors: ErrorList, parent: Obj, key: string, path: string): Obj[] {
  const v = parent[key]
  if (v === undefined || v === null) return []
  const items = Array.isArray(v) ? (v as unknown[]) : [v]
  const out: Obj[] = []
  items.forEach((item, i) => {
    if (isObj(item)) out.push(item)
    else errors.add(`${path}.${key}[${i}]`, 'Value of the field has to be an object', 'type')
  })
  return out
}

/** An id field: present and a whole number, or an error; undefined after an error. */
function idOf(errors: ErrorList, item: Obj, key: string, path: string): number | undefined {
  const v = item[key]
  if (v === undefined || v === null || v === '') {
    errors.add(`${path}.${key}`, EMPTY, 'required')
    return undefined
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT32_MAX) {
    errors.add(
      `${path}.${key}`,
      `Value of the field has to be a whole number between 0 and ${INT32_MAX}, not ${JSON.stringify(v)}`,
      'range',
    )
    return undefined
  }
  return v
}

/** `undefined`: leave as it is; `null`: clear; text: the new exact value. */
function valueOf(
  errors: ErrorList,
  item: Obj,
  key: string,
  path: string,
  rule: { whole?: boolean; max?: number },
): string | null | undefined {
  if (!(key in item)) return undefined
  const v = item[key]
  if (v === null) return null
  const max = rule.max ?? MAX_AMOUNT
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
    const range =
      rule.max !== undefined
        ? `between 0 and ${rule.max}`
        : typeof v === 'number' && v > max
          ? `at most ${max}`
          : 'a number of at least 0'
    errors.add(`${path}.${key}`, `Value of the field has to be ${range}, not ${JSON.stringify(v)}`, 'range')
    return undefined
  }
  if (rule.whole === true && !Number.isInteger(v)) {
    errors.add(`${path}.${key}`, `Value of the field has to be a whole number, not ${v}`, 'range')
    return undefined
  }
  return decimalText(v)
}

function dateOf(errors: ErrorList, item: Obj, key: string, path: string): string | undefined {
  const v = item[key]
  if (v === undefined || v === null || v === '') {
    errors.add(`${path}.${key}`, EMPTY, 'required')
    return undefined
  }
  const parsed = parseTrackDate(typeof v === 'string' ? v : JSON.stringify(v))
  if ('problem' in parsed) {
    errors.add(`${path}.${key}`, parsed.problem, 'date')
    return undefined
  }
  return parsed.iso
}

function validateWeekly(errors: ErrorList, model: WeeklyModel, root: Obj, path: string): PeriodChange[] {
  const changes = new Map<number, PeriodChange>()
  const known = new Set(model.locations.map((l) => l.location_id))
  list(errors, root, 'location', path).forEach((loc, i) => {
    const lp = `${path}.location[${i}]`
    const locationId = idOf(errors, loc, 'locationId', lp)
    if (locationId !== undefined && !known.has(locationId)) {
      errors.add(`${lp}.locationId`, `Unknown location ${locationId} in plan ${model.planId}`, 'unknown')
    }
    const byDate = new Map<string, WeeklyRow>(
      (locationId === undefined ? [] : (model.periods.get(locationId) ?? [])).map((p) => [p.period_date, p]),
    )
    list(errors, loc, 'periods', lp).forEach((period, j) => {
      const pp = `${lp}.periods[${j}]`
      const date = dateOf(errors, period, 'date', pp)
      const actual = valueOf(errors, period, 'actualValue', pp, { whole: true })
      if (date === undefined || locationId === undefined || !known.has(locationId)) return
      const row = byDate.get(date)
      if (!row) {
        errors.add(
          `${pp}.date`,
          `Date is invalid: ${String(period.date)} is not a period of plan ${model.planId} at location ${locationId}`,
          'date',
        )
        return
      }
      if (actual === undefined) return
      const seen = changes.get(row.id)
      if (seen && seen.after.actual !== actual) {
        errors.add(
          `${pp}.date`,
          `Period ${String(period.date)} is given twice with different values`,
          'duplicate',
        )
        return
      }
      changes.set(row.id, {
        where: { locationId, date: String(period.date) },
        id: row.id,
        before: { actual: row.actual_value },
        after: { actual },
      })
    })
  })
  return [...changes.values()].filter((c) => c.before.actual !== c.after.actual)
}

function validateMonthly(errors: ErrorList, model: MonthlyModel, root: Obj, path: string): PeriodChange[] {
  const changes = new Map<number, PeriodChange & { row: MonthlyRow }>()
  const isCosts = model.resource === 'costs'
  const itemKeyName = isCosts ? 'cost' : 'majorTask'
  const providers = new Map(model.providers.map((p) => [p.provider.provider_id, p]))
  /** Percentage-tracked task locations touched: checked for their sum once everything is merged. */
  const percentage = new Map<string, string>()
  list(errors, root, 'serviceProvider', path).forEach((sp, i) => {
    const sPath = `${path}.serviceProvider[${i}]`
    const providerId = idOf(errors, sp, 'id', sPath)
    const provider = providerId === undefined ? undefined : providers.get(providerId)
    if (providerId !== undefined && !provider) {
      errors.add(`${sPath}.id`, `Unknown service provider ${providerId} in plan ${model.planId}`, 'unknown')
    }
    list(errors, sp, itemKeyName, sPath).forEach((it, k) => {
      const iPath = `${sPath}.${itemKeyName}[${k}]`
      const itemId = idOf(errors, it, 'id', iPath)
      const item = itemId === undefined ? undefined : provider?.items.find((x) => x.id === itemId)
      if (itemId !== undefined && provider && !item) {
        const what = isCosts ? 'cost' : 'major task'
        errors.add(`${iPath}.id`, `Unknown ${what} ${itemId} of service provider ${providerId}`, 'unknown')
      }
      const isPct = model.resource === 'units' && item?.task?.is_tracked_as_percentage === 1
      const evLevel = item?.cost?.ev_tracking_level
      list(errors, it, 'location', iPath).forEach((loc, l) => {
        const lPath = `${iPath}.location[${l}]`
        const locationId = idOf(errors, loc, 'locationId', lPath)
        const tracked = locationId !== undefined && item?.locations.some((x) => x.location_id === locationId)
        if (locationId !== undefined && item && !tracked) {
          errors.add(
            `${lPath}.locationId`,
            `Unknown location ${locationId} for ${isCosts ? 'cost' : 'major task'} ${item.id}`,
            'unknown',
          )
        }
        const key =
          provider && item && tracked ? itemKey(provider.provider.provider_id, item.id, locationId) : ''
        const byStart = new Map((model.periods.get(key) ?? []).map((p) => [p.start_date, p]))
        if (isPct && key) percentage.set(key, lPath)
        list(errors, loc, 'periods', lPath).forEach((period, j) => {
          const pp = `${lPath}.periods[${j}]`
          const start = dateOf(errors, period, 'startDate', pp)
          const actual = valueOf(errors, period, 'actualValue', pp, isPct ? { max: 1 } : {})
          const earned = isCosts ? valueOf(errors, period, 'earnedValue', pp, {}) : undefined
          if (start === undefined || !key) return
          const row = byStart.get(start)
          if (!row) {
            errors.add(
              `${pp}.startDate`,
              `Date is invalid: ${String(period.startDate)} is not a period of plan ${model.planId} at location ${locationId}`,
              'date',
            )
            return
          }
          const newActual = actual === undefined ? row.actual_value : actual
          let newEarned = row.earned_value
          if (isCosts && earned !== undefined && earned !== row.earned_value) {
            if (evLevel === EV_ENTERED) newEarned = earned
            else if (!(evLevel === EV_AUTO && earned === newActual)) {
              errors.add(
                `${pp}.earnedValue`,
                `Value of the field has to be left as it is: cost ${item?.id ?? ''} is tracked as '${evLevel ?? ''}', so its earned value ${evLevel === EV_AUTO ? 'follows the actual value' : 'is derived from the baseline'}`,
                'range',
              )
              return
            }
          }
          if (isCosts && evLevel === EV_AUTO) newEarned = newActual
          if (actual === undefined && newEarned === row.earned_value) return
          const seen = changes.get(row.id)
          if (seen && (seen.after.actual !== newActual || seen.after.earned !== newEarned)) {
            errors.add(
              `${pp}.startDate`,
              `Period ${String(period.startDate)} is given twice with different values`,
              'duplicate',
            )
            return
          }
          changes.set(row.id, {
            where: {
              serviceProviderId: row.provider_id,
              [isCosts ? 'costId' : 'majorTaskId']: row.item_id,
              locationId: row.location_id,
              startDate: String(period.startDate),
            },
            id: row.id,
            row,
            before: isCosts
              ? { actual: row.actual_value, earned: row.earned_value }
              : { actual: row.actual_value },
            after: isCosts ? { actual: newActual, earned: newEarned } : { actual: newActual },
          })
        })
      })
    })
  })
  for (const [key, where] of percentage) {
    let sum = 0
    for (const p of model.periods.get(key) ?? []) {
      const changed = changes.get(p.id)
      const value = changed ? changed.after.actual : p.actual_value
      sum += value === null ? 0 : Number(value)
    }
    if (sum > 1 + EPSILON) {
      errors.add(
        `${where}.periods`,
        `Value of the field has to be in the range 0 to 1 in total for a task tracked as a percentage; these periods add up to ${sum}`,
        'range',
      )
    }
  }
  return [...changes.values()]
    .filter((c) => c.before.actual !== c.after.actual || c.before.earned !== c.after.earned)
    .map(({ row: _row, ...change }) => change)
}

/**
 * Checks a POSTed Track representation against the plan, collecting every problem; returns the periods it
 * changes (only those whose values differ). Read-only fields (names, planned values, end dates) are ignored.
 */
export function validatePost(model: TrackModel, body: unknown): ValidatedPost {
  const errors = new ErrorList()
  const rootName = ROOT_NAMES[model.resource]
  const root = isObj(body) ? body[rootName] : undefined
  if (!isObj(root)) {
    errors.add(rootName, `${EMPTY}: send the ${rootName} representation that GET returned`, 'required')
    errors.throwIfAny()
    return { lockToken: undefined, changes: [] }
  }
  const changes =
    model.kind === 'weekly'
      ? validateWeekly(errors, model, root, rootName)
      : validateMonthly(errors, model, root, rootName)
  errors.throwIfAny()
  return { lockToken: root.lockToken, changes }
}
