import type { MajorTaskRow, MonthlyRow, ProviderRow, LocationRow } from '../repository.js'
import type { Figures, Performance, SeriesPoint } from './schemas.js'

export interface PerformanceInput {
  providers: ProviderRow[]
  locations: LocationRow[]
  tasks: MajorTaskRow[]
  units: MonthlyRow[]
  fees: MonthlyRow[]
  costValues: MonthlyRow[]
}

interface Sums {
  bac: number
  pv: number
  ev: number
  ac: number
}

const money = (n: number): number => Math.round(n * 100) / 100
const ratio = (n: number | null): number | null =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 1e6) / 1e6

/** SV, CV, SPI, CPI, EAC, ETC, VAC, TCPI and % complete from BAC, PV, EV and AC. */
function figuresOf(s: Sums): Figures {
  const spi = s.pv === 0 ? null : s.ev / s.pv
  const cpi = s.ac === 0 ? null : s.ev / s.ac
  const eac = cpi !== null && cpi > 0 ? s.bac / cpi : s.ac + (s.bac - s.ev)
  return {
    bac: money(s.bac),
    pv: money(s.pv),
    ev: money(s.ev),
    ac: money(s.ac),
    sv: money(s.ev - s.pv),
    cv: money(s.ev - s.ac),
    spi: ratio(spi),
    cpi: ratio(cpi),
    eac: money(eac),
    etc: money(eac - s.ac),
    vac: money(s.bac - eac),
    tcpi: ratio(s.bac === s.ac ? null : (s.bac - s.ev) / (s.bac - s.ac)),
    percentComplete: ratio(s.bac === 0 ? null : s.ev / s.bac),
  }
}

/** One contribution to the figures: what, where, when. `start` null = no date (a budget). */
interface Entry {
  provider: number
  location: number
  start: string | null
  end: string | null
  bac: number
  pv: number
  ev: number
  ac: number
}

const num = (text: string | null): number => (text === null ? 0 : Number(text))

/**
 * Breaks the plan into entries: each task's budget is spread over its planned units (PV) and earned by its
 * actual units (EV, capped at the budget); fees paid are the providers' actual cost (AC); costs give PV, EV
 * (per their tracking level, as stored) and AC directly.
 */
function entriesOf(input: PerformanceInput): Entry[] {
  const entries: Entry[] = []
  const unitsOf = new Map<string, MonthlyRow[]>()
  for (const u of input.units) {
    const key = `${u.provider_id}|${u.item_id}`
    const list = unitsOf.get(key)
    if (list) list.push(u)
    else unitsOf.set(key, [u])
  }
  for (const task of input.tasks) {
    const budget = num(task.budget)
    const rows = unitsOf.get(`${task.provider_id}|${task.task_id}`) ?? []
    const plannedTotal = rows.reduce((s, r) => s + num(r.planned_value), 0)
    const actualTotal = rows.reduce((s, r) => s + num(r.actual_value), 0)
    const cap = plannedTotal > 0 && actualTotal > plannedTotal ? plannedTotal / actualTotal : 1
    if (plannedTotal === 0) {
      entries.push({
        provider: task.provider_id,
        location: 0,
        start: null,
        end: null,
        bac: budget,
        pv: 0,
        ev: 0,
        ac: 0,
      })
      continue
    }
    for (const r of rows) {
      // The budget is spread like the planned units: BAC of this location's share, PV as scheduled.
      entries.push({
        provider: r.provider_id,
        location: r.location_id,
        start: null,
        end: null,
        bac: (budget * num(r.planned_value)) / plannedTotal,
        pv: 0,
        ev: 0,
        ac: 0,
      })
      entries.push({
        provider: r.provider_id,
        location: r.location_id,
        start: r.start_date,
        end: r.end_date,
        bac: 0,
        pv: (budget * num(r.planned_value)) / plannedTotal,
        ev: (budget * num(r.actual_value) * cap) / plannedTotal,
        ac: 0,
      })
    }
  }
  for (const f of input.fees) {
    entries.push({
      provider: f.provider_id,
      location: f.location_id,
      start: f.start_date,
      end: f.end_date,
      bac: 0,
      pv: 0,
      ev: 0,
      ac: num(f.actual_value),
    })
  }
  for (const c of input.costValues) {
    const planned = num(c.planned_value)
    entries.push({
      provider: c.provider_id,
      location: c.location_id,
      start: null,
      end: null,
      bac: planned,
      pv: 0,
      ev: 0,
      ac: 0,
    })
    entries.push({
      provider: c.provider_id,
      location: c.location_id,
      start: c.start_date,
      end: c.end_date,
      bac: 0,
      pv: planned,
      ev: num(c.earned_value),
      ac: num(c.actual_value),
    })
  }
  return entries
}

function sum(entries: readonly Entry[], statusDate: string): Sums {
  const s: Sums = { bac: 0, pv: 0, ev: 0, ac: 0 }
  for (const e of entries) {
    s.bac += e.bac
    if (e.start === null || e.start > statusDate) continue
    s.pv += e.pv
    s.ev += e.ev
    s.ac += e.ac
  }
  return s
}

/**
 * Earned value at `statusDate`: a period counts in full once it has started (its start date is on or before
 * the status date). Figures for the plan, per service provider and per location, and the cumulative series.
 */
export function computePerformance(input: PerformanceInput, statusDate: string): Performance {
  const entries = entriesOf(input)
  const periods = new Map<string, string>()
  for (const e of entries) if (e.start !== null && e.end !== null) periods.set(e.start, e.end)
  const starts = [...periods.keys()].sort()
  const series: SeriesPoint[] = []
  const dated = entries
    .filter((e) => e.start !== null)
    .sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''))
  let pv = 0
  let ev = 0
  let ac = 0
  let i = 0
  for (const start of starts) {
    while (i < dated.length && (dated[i]?.start ?? '') <= start) {
      const e = dated[i++]
      if (!e) break
      pv += e.pv
      ev += e.ev
      ac += e.ac
    }
    const reported = start <= statusDate
    series.push({
      startDate: start,
      endDate: periods.get(start) ?? start,
      pv: money(pv),
      ev: reported ? money(ev) : null,
      ac: reported ? money(ac) : null,
    })
  }
  return {
    statusDate,
    plan: figuresOf(sum(entries, statusDate)),
    serviceProviders: input.providers.map((p) => ({
      id: p.provider_id,
      name: p.name,
      ...figuresOf(
        sum(
          entries.filter((e) => e.provider === p.provider_id),
          statusDate,
        ),
      ),
    })),
    locations: input.locations.map((l) => ({
      locationId: l.location_id,
      locationName: l.name,
      ...figuresOf(
        sum(
          entries.filter((e) => e.location === l.location_id),
          statusDate,
        ),
      ),
    })),
    series,
  }
}
