/**
 * The whole database's type. Empty here: each module declares its own tables in its `tables.ts` and merges them
 * into this interface (`declare module '…/db/schema.js'`), so `db/` knows no module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DB {}
