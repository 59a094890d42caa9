import type { IdentityTables } from '../modules/identity/tables.js'
import type { StudiesTables } from '../modules/studies/tables.js'
import type { TrackTables } from '../modules/track/tables.js'
import type { RecruitTables } from '../modules/recruit/tables.js'
import type { ConductTables } from '../modules/conduct/tables.js'
import type { ReportsTables } from '../modules/reports/tables.js'

/** The whole database, one interface per module's tables. */
export type DB = IdentityTables & StudiesTables & TrackTables & RecruitTables & ConductTables & ReportsTables
