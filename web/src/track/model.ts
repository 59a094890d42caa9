import { ROOTS, type PathError, type Resource, type TrackDoc } from './api'

/**
 * A Track document as a grid: one entity per location (weekly resources) or per service provider × major task
 * or cost × location (monthly ones), one column per period. Edits are kept as the text the user typed, by cell
 * key, and turned into the POST body here; the server decides whether they are valid.
 */
interface Period {
  /** The period's date as the API names it (`date` or `startDate`, dd-MMM-yyyy). */
  key: string
  label: string
  time: number
}

interface CellValue {
  planned: number
  actual: number | null
  earned?: number | null
}

export interface Entity {
  key: string
  /** Location, or provider › task › location. */
  label: string
  /** The label in parts, one per grid line of the entity (task, location, provider). */
  parts: string[]
  locationId: number
  providerId?: number
  itemId?: number
  percentage: boolean
  /** Costs: the earned-value tracking level (read-only here). */
  evLevel?: string
  cells: Map<string, CellValue>
}

export interface Grid {
  resource: Resource
  planId: number
  lockToken: number
  weekly: boolean
  periods: Period[]
  entities: Entity[]
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** dd-MMM-yyyy → UTC milliseconds (NaN when it is not one). */
function trackTime(date: string): number {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{4})$/.exec(date)
  if (!m) return Number.NaN
  const month = MONTHS.indexOf(m[2] ?? '')
  return month < 0 ? Number.NaN : Date.UTC(Number(m[3]), month, Number(m[1]))
}

export const cellKey = (entity: string, period: string) => `${entity}|${period}`

interface RawPeriod {
  date?: string
  startDate?: string
  plannedValue: number
  actualValue: number | null
  earnedValue?: number | null
}
interface RawLocation {
  locationId: number
  locationName: string
  periods?: RawPeriod[]
}
interface RawItem {
  id: number
  name: string
  isTrackedAsPercentage?: boolean
  earnedValueTrackingLevel?: string
  location?: RawLocation[]
}
interface RawProvider {
  id: number
  name: string
  majorTask?: RawItem[]
  cost?: RawItem[]
}

export function toGrid(t: TrackDoc): Grid {
  const weekly = t.resource === 'sites' || t.resource === 'subjects' || t.resource === 'crfs'
  const periods = new Map<string, Period>()
  const entities: Entity[] = []
  const add = (entity: Omit<Entity, 'cells'>, loc: RawLocation) => {
    const cells = new Map<string, CellValue>()
    for (const p of loc.periods ?? []) {
      const key = (weekly ? p.date : p.startDate) ?? ''
      if (!periods.has(key)) {
        const time = trackTime(key)
        const d = new Date(time)
        const label = weekly ? key : `${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}`
        periods.set(key, { key, label, time })
      }
      cells.set(key, {
        planned: p.plannedValue,
        actual: p.actualValue,
        ...(p.earnedValue !== undefined ? { earned: p.earnedValue } : {}),
      })
    }
    entities.push({ ...entity, cells })
  }
  if (t.resource === 'sites' || t.resource === 'subjects' || t.resource === 'crfs') {
    for (const loc of (t.doc.location ?? []) as RawLocation[]) {
      add(
        {
          key: `${loc.locationId}`,
          label: loc.locationName,
          parts: [loc.locationName],
          locationId: loc.locationId,
          percentage: false,
        },
        loc,
      )
    }
  } else {
    const doc = t.doc as { serviceProvider?: RawProvider[] }
    for (const sp of doc.serviceProvider ?? []) {
      for (const item of sp.majorTask ?? sp.cost ?? []) {
        for (const loc of item.location ?? []) {
          add(
            {
              key: `${sp.id}/${item.id}/${loc.locationId}`,
              label: `${sp.name} › ${item.name.trim()} › ${loc.locationName}`,
              parts: [item.name.trim(), loc.locationName, sp.name],
              locationId: loc.locationId,
              providerId: sp.id,
              itemId: item.id,
              percentage: item.isTrackedAsPercentage === true,
              ...(item.earnedValueTrackingLevel !== undefined
                ? { evLevel: item.earnedValueTrackingLevel }
                : {}),
            },
            loc,
          )
        }
      }
    }
  }
  return {
    resource: t.resource,
    planId: t.doc.planId,
    lockToken: t.doc.lockToken,
    weekly,
    periods: [...periods.values()].sort((a, b) => a.time - b.time),
    entities,
  }
}

/** What the user typed, as the value to send: '' clears; a number is a number; anything else goes as typed. */
export function parseEntry(text: string, percentage: boolean): number | null | string {
  const t = text.trim().replace(/%$/, '').trim()
  if (t === '') return null
  const n = Number(t.replace(/,/g, ''))
  if (!Number.isFinite(n)) return text
  return percentage ? n / 100 : n
}

/** A value as shown in a cell: percentages as percent, others with at most two decimals. */
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
export function formatValue(v: number | null | undefined, percentage = false): string {
  if (v === null || v === undefined) return ''
  return percentage ? `${number.format(v * 100)}%` : number.format(v)
}

/** The text an actual cell's input shows before it is edited. */
export function entryText(v: number | null, percentage: boolean): string {
  if (v === null) return ''
  return percentage ? String(Math.round(v * 1e6) / 1e4) : String(v)
}

export type Edits = ReadonlyMap<string, string>

/** Whether an edit changes the value it was made on. */
export function differs(text: string, base: number | null, percentage: boolean): boolean {
  const v = parseEntry(text, percentage)
  if (typeof v === 'string') return true
  if (v === null || base === null) return v !== base
  return Math.abs(v - base) > 1e-12
}

/**
 * The POST body of the edits: only the changed periods, nested as the resource's document is, with the
 * lockToken; and where each period and entity sits in it, so the paths of a 400 can be put back on their cells.
 */
export function postBody(
  grid: Grid,
  edits: Edits,
): { body: object; cellAt: Map<string, string>; entityAt: Map<string, string> } {
  const cellAt = new Map<string, string>()
  const entityAt = new Map<string, string>()
  const root = ROOTS[grid.resource]
  const periodsOf = (e: Entity, path: string) => {
    const out: Record<string, unknown>[] = []
    for (const p of grid.periods) {
      const k = cellKey(e.key, p.key)
      const text = edits.get(k)
      if (text === undefined) continue
      cellAt.set(`${path}.periods[${out.length}]`, k)
      out.push({ [grid.weekly ? 'date' : 'startDate']: p.key, actualValue: parseEntry(text, e.percentage) })
    }
    entityAt.set(path, e.key)
    return out
  }
  if (grid.weekly) {
    const location: Record<string, unknown>[] = []
    for (const e of grid.entities) {
      const periods = periodsOf(e, `${root}.location[${location.length}]`)
      if (periods.length > 0) location.push({ locationId: e.locationId, periods })
    }
    return { body: { [root]: { lockToken: grid.lockToken, location } }, cellAt, entityAt }
  }
  const itemKey = grid.resource === 'costs' ? 'cost' : 'majorTask'
  const providers: { id: number; items: { id: number; location: Record<string, unknown>[] }[] }[] = []
  for (const e of grid.entities) {
    let sp = providers.find((p) => p.id === e.providerId)
    const spIndex = sp ? providers.indexOf(sp) : providers.length
    let item = sp?.items.find((i) => i.id === e.itemId)
    const itemIndex = item && sp ? sp.items.indexOf(item) : (sp?.items.length ?? 0)
    const locIndex = item?.location.length ?? 0
    const path = `${root}.serviceProvider[${spIndex}].${itemKey}[${itemIndex}].location[${locIndex}]`
    const periods = periodsOf(e, path)
    if (periods.length === 0) continue
    if (!sp) {
      sp = { id: e.providerId ?? 0, items: [] }
      providers.push(sp)
    }
    if (!item) {
      item = { id: e.itemId ?? 0, location: [] }
      sp.items.push(item)
    }
    item.location.push({ locationId: e.locationId, periods })
  }
  return {
    body: {
      [root]: {
        lockToken: grid.lockToken,
        serviceProvider: providers.map((p) => ({
          id: p.id,
          [itemKey]: p.items.map((i) => ({ id: i.id, location: i.location })),
        })),
      },
    },
    cellAt,
    entityAt,
  }
}

/** The errors of a refused POST, on the cells (or whole rows) their paths name; the rest stay general. */
export function placeErrors(
  errors: PathError[],
  cellAt: Map<string, string>,
  entityAt: Map<string, string>,
): { cells: Map<string, string>; entities: Map<string, string>; other: PathError[] } {
  const cells = new Map<string, string>()
  const entities = new Map<string, string>()
  const other: PathError[] = []
  for (const e of errors) {
    const cell = /^(.*\.periods\[\d+\])(\.[A-Za-z]+)?$/.exec(e.path)
    const atCell = cell ? cellAt.get(cell[1] ?? '') : undefined
    if (atCell) {
      cells.set(atCell, cells.has(atCell) ? `${cells.get(atCell)}; ${e.message}` : e.message)
      continue
    }
    const entity = /^(.*\.location\[\d+\])(\..*)?$/.exec(e.path)
    const atEntity = entity ? entityAt.get(entity[1] ?? '') : undefined
    if (atEntity) entities.set(atEntity, e.message)
    else other.push(e)
  }
  return { cells, entities, other }
}

/** A cell both users touched: what it was, what the other user saved, what this user typed. */
export interface Overlap {
  key: string
  entity: string
  period: string
  was: number | null
  theirs: number | null
  mine: string
  percentage: boolean
}

/**
 * After a 409: the user's edits against the version they were made on and the fresh one. Cells the other user
 * also changed are overlaps (shown side by side); the user's edits that the fresh version already holds are
 * dropped when re-applied, the rest are kept on top of it.
 */
export function compareVersions(base: Grid, fresh: Grid, edits: Edits): Overlap[] {
  const out: Overlap[] = []
  const freshEntities = new Map(fresh.entities.map((e) => [e.key, e]))
  for (const e of base.entities) {
    for (const p of base.periods) {
      const key = cellKey(e.key, p.key)
      const mine = edits.get(key)
      if (mine === undefined) continue
      const was = e.cells.get(p.key)?.actual ?? null
      const theirs = freshEntities.get(e.key)?.cells.get(p.key)?.actual ?? null
      if (was !== theirs) {
        out.push({ key, entity: e.label, period: p.label, was, theirs, mine, percentage: e.percentage })
      }
    }
  }
  return out
}

/** The edits that still change something on the fresh version. */
export function rebase(fresh: Grid, edits: Edits): Map<string, string> {
  const out = new Map<string, string>()
  const byKey = new Map(fresh.entities.map((e) => [e.key, e]))
  for (const [key, text] of edits) {
    const [entity = '', period = ''] = key.split('|')
    const e = byKey.get(entity)
    const cell = e?.cells.get(period)
    if (!e || !cell) continue
    if (differs(text, cell.actual, e.percentage)) out.set(key, text)
  }
  return out
}
