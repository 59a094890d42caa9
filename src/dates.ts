/**
 * The one check of calendar dates and ISO 8601 date-times that every module uses: the fields must be in range
 * and the day must exist (`2010-02-31` is refused; `Date.parse` alone would read it as 3 March).
 */
export function isRealDate(year: number, month: number, day: number): boolean {
  const t = new Date(Date.UTC(year, month - 1, day))
  return t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?$/

/** A real `YYYY-MM-DD` date. */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text)
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/** A real ISO 8601 date-time (`2026-01-05T08:30`, seconds, fraction and offset optional). */
export function isIsoDateTime(text: string): boolean {
  const m = DATETIME.exec(text)
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)]
  const offsetOk = m[8] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59)
  return hour <= 23 && minute <= 59 && second <= 59 && offsetOk
}
