import { isIsoDate, isIsoDateTime } from '../../dates.js'

export { isIsoDate, isIsoDateTime }

/** The data types an item can have, and how a value of each is checked (values are stored as exact text). */
export const DATA_TYPES = ['text', 'integer', 'decimal', 'date', 'datetime'] as const

/** Why `value` is not a valid `type`, or undefined when it is. */
export function valueProblem(type: string, value: string): string | undefined {
  switch (type) {
    case 'integer':
      return /^-?\d{1,18}$/.test(value) ? undefined : 'must be a whole number'
    case 'decimal':
      return /^-?\d{1,30}(\.\d{1,30})?$/.test(value) ? undefined : 'must be a decimal number such as 12.50'
    case 'date':
      return isIsoDate(value) ? undefined : 'must be a date YYYY-MM-DD'
    case 'datetime':
      return isIsoDateTime(value) ? undefined : 'must be an ISO 8601 date-time'
    default:
      return value.length <= 4000 ? undefined : 'must be at most 4000 characters'
  }
}
