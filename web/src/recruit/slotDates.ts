/**
 * The dates a site's slots page shows, from its address: `?from=YYYY-MM-DD&to=YYYY-MM-DD` (local days, both
 * included), or `?week=YYYY-MM-DD` (the Monday-to-Sunday week holding that day; older links), or this week.
 */
export interface Dates {
  first: Date
  last: Date
}

/** `YYYY-MM-DD` of a local date. */
export const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

export const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n)

function parseDay(s: string | null): Date | null {
  const m = s ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) : null
  if (!m) return null
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isNaN(d.getTime()) || isoDay(d) !== s ? null : d
}

/** The Monday (local time) of the week holding `d`. */
function mondayOf(d: Date): Date {
  return addDays(d, -((d.getDay() + 6) % 7))
}

export function weekOf(d: Date): Dates {
  const first = mondayOf(d)
  return { first, last: addDays(first, 6) }
}

export function datesOf(search: URLSearchParams): Dates {
  const first = parseDay(search.get('from'))
  const last = parseDay(search.get('to'))
  if (first && last) return { first, last }
  return weekOf(parseDay(search.get('week')) ?? new Date())
}

export const searchOf = (d: Dates) => ({ from: isoDay(d.first), to: isoDay(d.last) })

/** Whether the dates are one Monday-to-Sunday week. */
export const isWeek = (d: Dates) => d.first.getDay() === 1 && isoDay(addDays(d.first, 6)) === isoDay(d.last)

/** Every day from first to last (none when last is before first). */
export function daysOf(d: Dates): Date[] {
  const days: Date[] = []
  for (let day = d.first; day <= d.last; day = addDays(day, 1)) days.push(day)
  return days
}

/** The instants the server filters by: from the first day's local midnight to the midnight after the last. */
export const rangeOf = (d: Dates) => ({
  from: d.first.toISOString(),
  to: addDays(d.last, 1).toISOString(),
})
