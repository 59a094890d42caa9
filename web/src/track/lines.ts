import { cellKey, differs, parseEntry, type Edits, type Entity, type Grid } from './model'

/** What a grid line shows of its entity. Only `actual` lines are edited; the others are read-only. */
export type LineKind = 'planned' | 'actual' | 'earned' | 'cumPlanned' | 'cumActual'

export const LINE_LABELS: Record<LineKind, string> = {
  planned: 'Planned',
  actual: 'Actual',
  earned: 'Earned',
  cumPlanned: 'Cum. planned',
  cumActual: 'Cum. actual',
}

export interface Line {
  /** null: the totals over every entity counted in units (not percentages). */
  entity: Entity | null
  kind: LineKind
  first: boolean
  /** Which of its entity's lines this is (0 for the first). */
  nth: number
  percentage: boolean
  /** Per period: the value, or null where there is none (or an entry the server will have to judge). */
  values: (number | null)[]
  /** Per period: whether the entity has that period at all (a cell to edit). */
  present: boolean[]
  total: number | null
}

type Unnumbered = Omit<Line, 'nth'>

function sum(values: (number | null)[]): number | null {
  let s: number | null = null
  for (const v of values) if (v !== null) s = (s ?? 0) + v
  return s
}

function cumulative(values: (number | null)[]): (number | null)[] {
  let last = -1
  values.forEach((v, i) => {
    if (v !== null) last = i
  })
  let s = 0
  return values.map((v, i) => {
    s += v ?? 0
    return i <= last ? s : null
  })
}

/** An entity's lines (planned, actual, earned for costs, cumulative planned and actual), with the edits in. */
function entityLines(grid: Grid, e: Entity, edits: Edits): Unnumbered[] {
  const present = grid.periods.map((p) => e.cells.has(p.key))
  const planned = grid.periods.map((p) => e.cells.get(p.key)?.planned ?? null)
  const actual = grid.periods.map((p) => {
    const cell = e.cells.get(p.key)
    if (!cell) return null
    const text = edits.get(cellKey(e.key, p.key))
    if (text === undefined || !differs(text, cell.actual, e.percentage)) return cell.actual
    const v = parseEntry(text, e.percentage)
    return typeof v === 'number' ? v : null
  })
  const base = { entity: e, percentage: e.percentage, present }
  const lines: Unnumbered[] = [
    { ...base, kind: 'planned', first: true, values: planned, total: sum(planned) },
    { ...base, kind: 'actual', first: false, values: actual, total: sum(actual) },
  ]
  if (grid.resource === 'costs') {
    const earned = grid.periods.map((p) => e.cells.get(p.key)?.earned ?? null)
    lines.push({ ...base, kind: 'earned', first: false, values: earned, total: sum(earned) })
  }
  lines.push(
    { ...base, kind: 'cumPlanned', first: false, values: cumulative(planned), total: null },
    { ...base, kind: 'cumActual', first: false, values: cumulative(actual), total: null },
  )
  return lines
}

/**
 * Each entity's lines, kept while the entity's edits stay the same: an edit recomputes the lines of the entity it
 * is in (and the totals), so the grid re-renders only those rows. One cache per grid component; the entities it
 * is keyed by belong to one version of the document, so a fresh version starts afresh.
 */
export type LineCache = WeakMap<Entity, { edits: string; lines: Line[] }>

/** The edits of each entity, as one string per entity that changes whenever one of its edits does. */
function editsByEntity(edits: Edits): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, text] of edits) {
    const entity = key.slice(0, key.indexOf('|'))
    out.set(entity, `${out.get(entity) ?? ''}${key}\u0000${text}\u0000`)
  }
  return out
}

/** Every line of the grid: each entity's, then the column totals over the entities counted in units. */
export function gridLines(grid: Grid, edits: Edits, cache?: LineCache): Line[] {
  const signatures = editsByEntity(edits)
  const lines: Line[] = []
  for (const e of grid.entities) {
    const signature = signatures.get(e.key) ?? ''
    const cached = cache?.get(e)
    const own =
      cached?.edits === signature
        ? cached.lines
        : entityLines(grid, e, edits).map((l, nth) => ({ ...l, nth }))
    cache?.set(e, { edits: signature, lines: own })
    lines.push(...own)
  }
  const counted = lines.filter((l) => l.entity && !l.percentage)
  if (counted.length === 0) return lines
  const column = (kind: LineKind) => {
    const sums: (number | null)[] = grid.periods.map(() => null)
    for (const l of counted) {
      if (l.kind !== kind) continue
      l.values.forEach((v, i) => {
        if (v !== null) sums[i] = (sums[i] ?? 0) + v
      })
    }
    return sums
  }
  const present = grid.periods.map(() => false)
  const planned = column('planned')
  const actual = column('actual')
  const base = { entity: null, percentage: false, present }
  const totals: Unnumbered[] = [
    { ...base, kind: 'planned', first: true, values: planned, total: sum(planned) },
    { ...base, kind: 'actual', first: false, values: actual, total: sum(actual) },
  ]
  if (grid.resource === 'costs') {
    const earned = column('earned')
    totals.push({ ...base, kind: 'earned', first: false, values: earned, total: sum(earned) })
  }
  totals.push(
    { ...base, kind: 'cumPlanned', first: false, values: cumulative(planned), total: null },
    { ...base, kind: 'cumActual', first: false, values: cumulative(actual), total: null },
  )
  return [...lines, ...totals.map((l, nth) => ({ ...l, nth }))]
}
