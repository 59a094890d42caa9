import type { IdentityTables } from '../modules/identity/schema.js'
import type { StudiesTables } from '../modules/studies/schema.js'
import type { TrackTables } from '../modules/track/schema.js'
import type { RecruitTables } from '../modules/recruit/schema.js'
import type { ConductTables } from '../modules/conduct/schema.js'
import type { ReportsTables } from '../modules/reports/schema.js'

/** The whole database, one interface per module's tables. */
export type DB = IdentityTables & StudiesTables & TrackTables & RecruitTables & ConductTables & ReportsTables
