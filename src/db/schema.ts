import type { IdentityTables } from '../modules/identity/schema.js'
import type { StudiesTables } from '../modules/studies/schema.js'
import type { ConductTables } from '../modules/conduct/schema.js'
import type { ReportsTables } from '../modules/reports/schema.js'

/** The whole database, one interface per module's tables. */
export type DB = IdentityTables & StudiesTables & ConductTables & ReportsTables
