import { Type, type Static, type TSchema } from 'typebox'
import { ValidationFailed } from '../errors.js'
import { Nullable } from './schemas.js'

/**
 * The one way every native list pages: `?limit=&cursor=` in, `{items, nextCursor}` out.
 *
 * `limit` is 1–1000 (default 100): the widest range any list accepted before the lists were unified, so no
 * client asking for a size it could ask for before is refused, and the default most lists already had.
 * The cursor is opaque (base64url of `p<position>`); what the position means is the list's business.
 */
export const PAGE_LIMIT = { minimum: 1, maximum: 1000, default: 100 } as const

/** The largest position a cursor may carry: every id and sequence column is a 32-bit integer. */
const MAX_POSITION = 2_147_483_647

export const PageQuerySchema = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        ...PAGE_LIMIT,
        description: `Items per page (${PAGE_LIMIT.minimum}-${PAGE_LIMIT.maximum}, default ${PAGE_LIMIT.default})`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({ maxLength: 100, description: 'The nextCursor of the previous page; omit for the first' }),
    ),
  },
  { additionalProperties: false },
)
export type PageQuery = Static<typeof PageQuerySchema>

/** The page schema of a list of `item`s; `nextCursor` is null on the last page. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Nullable(Type.String(), {
      description: 'Pass as ?cursor= to get the next page; null when there is none',
    }),
  })
}

/** A page of `T`s. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** The page size a query asks for (the schema bounds it; the default when it is absent). */
export const limitOf = (query: { limit?: number }): number => query.limit ?? PAGE_LIMIT.default

/** A position in a list, opaque to callers. */
export function encodeCursor(position: number): string {
  return Buffer.from(`p${position}`).toString('base64url')
}

/** The position a cursor stands for; a cursor this server did not make → 422 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined
  const m = /^p(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m || Number(m[1]) > MAX_POSITION)
    throw ValidationFailed.one('/querystring/cursor', 'is not a cursor this API returned', 'cursor')
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

/**
 * A page of a list that is read whole because a study's setup bounds it (sites, cohorts, slots, timepoints,
 * items, questions): the position is the number of items already shown.
 */
export function pageOfList<T>(all: readonly T[], query: PageQuery): Page<T> {
  const from = decodeCursor(query.cursor) ?? 0
  const limit = limitOf(query)
  const items = all.slice(from, from + limit)
  return { items, nextCursor: from + limit < all.length ? encodeCursor(from + limit) : null }
}
