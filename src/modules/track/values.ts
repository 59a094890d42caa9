/** Dates and numbers as the Track surface writes them, and as storage keeps them (exactly). */
import { isIsoDate, isRealDate } from '../../dates.js'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m.toLowerCase(), i + 1]))

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** `2010-04-01` → `01-Apr-2010`. */
export function toTrackDate(iso: string): string {
  const month = MONTHS[Number(iso.slice(5, 7)) - 1] ?? '???'
  return `${iso.slice(8, 10)}-${month}-${iso.slice(0, 4)}`
}

/** `01-Apr-2010` → `2010-04-01`; a string saying what is wrong when it is not `dd-MMM-yyyy` or not a real date. */
export function parseTrackDate(text: string): { iso: string } | { problem: string } {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{4})$/.exec(text)
  if (!m) return { problem: `Date is invalid: '${text}' is not in the format dd-MMM-yyyy (e.g. 01-Apr-2010)` }
  const day = Number(m[1])
  const month = MONTH_INDEX.get((m[2] ?? '').toLowerCase())
  const year = Number(m[3])
  if (month === undefined || !isRealDate(year, month, day)) {
    return { problem: `Date is invalid: '${text}' is not a real date` }
  }
  return { iso: `${pad(year, 4)}-${pad(month)}-${pad(day)}` }
}

export { isIsoDate }

/**
 * The exact decimal text of a number received from JSON or XML. A JavaScript number is a double, and its
 * shortest round-trip text is exactly that double, so nothing the client sent is lost.
 */
export function decimalText(value: number | string): string {
  return typeof value === 'number' ? String(value) : value
}

/**
 * Stored decimal text as a JSON number of the contract's type: whole counts stay `3`, money and units are
 * doubles and keep a fraction (`1.0`, `0.0`, `20501.20641137218`), as the seed writes them.
 */
export function jsonNumber(text: string, double: boolean): string {
  if (!double || /[.eE]/.test(text)) return text
  return `${text}.0`
}
