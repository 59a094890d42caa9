import type { Generated } from 'kysely'

/** A subject of a study: a volunteer once enrolled (or imported), numbered within the study. */
export interface StudySubjectsTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  /** The subject number shown on every CRF (e.g. `1001`), unique in the study. */
  subject_number: string
  /** The study site's integer `site_id` (see `study_sites`), when known. */
  site_id: number | null
  cohort: string | null
  /** screened | enrolled | randomised | completed | withdrawn */
  status: string
  enrolled_on: string | null
  randomised_on: string | null
  volunteer_id: number | null
  created_at: string
  updated_at: string
}

/** A planned visit or sampling time of the schedule (e.g. `Day 1 2h`). */
export interface StudyTimepointsTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  name: string
  study_day: number
  /** Minutes after the day's reference time (dose); 0 for a whole-day visit. */
  offset_minutes: number
  created_at: string
}

/** A data item collected at timepoints (a CRF question), grouped into forms and item groups. */
export interface DataItemsTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  code: string
  label: string
  /** text | integer | decimal | date | datetime */
  data_type: string
  unit: string | null
  form: string
  item_group: string
  created_at: string
}

/** One value: subject × timepoint × item. The value is the exact text entered (never a float). */
export interface ObservationsTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  subject_id: number
  timepoint_id: number
  item_id: number
  value: string | null
  unit: string | null
  collected_at: string | null
  locked: number
  updated_at: string
}

/** Restricted studies: a user with rows here may see only these studies (no rows: every study). */
export interface UserStudyAccessTable {
  tenant_id: number
  user_id: number
  study_id: number
  created_at: string
}

export interface ConductTables {
  study_subjects: StudySubjectsTable
  study_timepoints: StudyTimepointsTable
  data_items: DataItemsTable
  observations: ObservationsTable
  user_study_access: UserStudyAccessTable
}

/** This module's tables, part of the whole database's type (`DB` in `db/schema.ts`). */
declare module '../../db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DB extends ConductTables {}
}
