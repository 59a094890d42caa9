import type { Generated } from 'kysely'

/** A study's public recruitment profile and eligibility criteria (one per study). */
export interface RecruitProfilesTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  /** not-recruiting | recruiting | paused | closed; only `recruiting` studies are offered to the website. */
  status: string
  public_title: string | null
  public_description: string | null
  min_age: number | null
  max_age: number | null
  /** M | F; null accepts both. */
  sex: string | null
  /** Decimal text (exact), e.g. `18.5`. */
  min_bmi: string | null
  max_bmi: string | null
  /** 1 healthy volunteers only, 0 patients only, null either. */
  healthy_volunteers: number | null
  /** JSON: `[{ "questionId": 3, "answer": "no" }]` — the canonical answer text each question must have. */
  required_answers: string
  compensation: string | null
  updated_at: string
}

export interface RecruitCohortsTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  name: string
  description: string | null
  created_at: string
}

/** The tenant's volunteer questions; `site_id` set = a site-specific question. */
export interface RecruitQuestionsTable {
  id: Generated<number>
  tenant_id: number
  text: string
  /** text | number | yesno | choice */
  answer_type: string
  /** JSON array of the allowed answers of a `choice` question. */
  options: string | null
  site_id: number | null
  required: number
  created_at: string
}

export interface RecruitVolunteersTable {
  id: Generated<number>
  tenant_id: number
  first_name: string
  last_name: string
  /** Normalised `first|last` (lower case, single spaces): the name half of the duplicate check. */
  name_key: string
  date_of_birth: string
  sex: string
  email: string | null
  /** Normalised email (trimmed, lower case): the other half of the duplicate check. */
  email_key: string | null
  phone: string | null
  address_line1: string | null
  address_line2: string | null
  city: string | null
  region: string | null
  postal_code: string | null
  country: string | null
  /** Decimal text, exactly as sent. */
  height_cm: string | null
  weight_kg: string | null
  healthy_volunteer: number | null
  site_preference_id: number | null
  consent_to_contact: number
  source: string | null
  created_at: string
  updated_at: string
}

export interface RecruitAnswersTable {
  tenant_id: number
  volunteer_id: number
  question_id: number
  /** Canonical text: strings as sent, numbers in JS notation, yes/no as `true`/`false`. */
  answer: string
}

/** A screening appointment slot at a study site: what the Partner API calls an appointment (`appointmentId`). */
export interface RecruitSlotsTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  /** The integer siteId (as in study_sites.site_id). */
  site_id: number
  starts_at: string
  ends_at: string
  capacity: number
  /** Places taken; only ever changed by conditional updates, so it never exceeds capacity. */
  booked: number
  created_at: string
}

/** A volunteer's place in a slot. */
export interface RecruitBookingsTable {
  id: Generated<number>
  tenant_id: number
  slot_id: number
  volunteer_id: number
  study_id: number
  /** booked | cancelled */
  status: string
  booked_at: string
  cancelled_at: string | null
  cancel_reason: string | null
}

export interface RecruitInterestsTable {
  id: Generated<number>
  tenant_id: number
  volunteer_id: number
  study_id: number
  cohort_id: number | null
  source: string | null
  created_at: string
}

/** Site restriction of staff users: a user with rows here sees only volunteers preferring those sites. */
export interface RecruitStaffSitesTable {
  tenant_id: number
  user_id: number
  site_id: number
}

export interface RecruitTables {
  recruit_profiles: RecruitProfilesTable
  recruit_cohorts: RecruitCohortsTable
  recruit_questions: RecruitQuestionsTable
  recruit_volunteers: RecruitVolunteersTable
  recruit_answers: RecruitAnswersTable
  recruit_slots: RecruitSlotsTable
  recruit_bookings: RecruitBookingsTable
  recruit_interests: RecruitInterestsTable
  recruit_staff_sites: RecruitStaffSitesTable
}

/** This module's tables, part of the whole database's type (`DB` in `db/schema.ts`). */
declare module '../../db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DB extends RecruitTables {}
}
