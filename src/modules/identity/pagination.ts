import { Type, type Static, type TSchema } from 'typebox'
import { ValidationFailed } from '../../errors.js'

/** `?limit=&cursor=` on every native list. */
export const PageQuerySchema = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page (1-200)' }),
    ),
    cursor: Type.Optional(
      Type.String({ maxLength: 100, description: 'The nextCursor of the previous page; omit for the first' }),
    ),
  },
  { additionalProperties: false },
)
export type PageQuery = Static<typeof PageQuerySchema>

/** A page of `item`s; `nextCursor` is null on the last page. */
export function pageSchema<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as ?cursor= to get the next page; null when there is none',
    }),
  })
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** A position in a list ordered by a numeric key, opaque to callers. */
export function encodeCursor(position: number): string {
  return Buffer.from(`p${position}`).toString('base64url')
}

/** The position a cursor stands for; a cursor this server did not make → 422 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined
  const m = /^p(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m) throw ValidationFailed.one('/querystring/cursor', 'is not a cursor this API returned', 'cursor')
  return Number(m[1])
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says there is a next page. */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  positionOf: (row: R) => number,
  view: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  }
}
