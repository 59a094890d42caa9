import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { nowIso } from '../../db/columns.js'
import { systemActor } from '../audit/service.js'
import { StudiesRepository } from '../studies/repository.js'
import type { ProfileInput, QuestionInput, SiteInput } from './staff/schemas.js'
import { QuestionsService } from './staff/questions.js'
import { RecruitSetupService } from './staff/service.js'

export interface StudySpec {
  protocol: string
  name: string
  sites: SiteInput[]
  profile: ProfileInput
  cohorts?: string[]
  /** Slots per siteId. */
  slots?: { siteId: number; start: string; end: string; capacity: number }[]
}

export interface CreatedStudy {
  studyId: number
  cohortIds: number[]
  slotIds: number[]
}

/**
 * Sets up a study for recruitment through the same service the staff API uses (audited as the system): what the
 * demo seeder and the tests build their data with. Questions named in the profile must exist first.
 */
export async function createRecruitingStudy(
  db: Kysely<DB>,
  tenantId: number,
  spec: StudySpec,
): Promise<CreatedStudy> {
  const actor = systemActor(tenantId)
  const setup = new RecruitSetupService(db)
  const studyId = await new StudiesRepository(db).insert(
    db,
    tenantId,
    { protocol: spec.protocol, name: spec.name, status: 'active' },
    nowIso(),
  )
  for (const site of spec.sites) await setup.createSite(tenantId, studyId, site, actor)
  await setup.putProfile(tenantId, studyId, spec.profile, actor)
  const cohortIds: number[] = []
  for (const name of spec.cohorts ?? [])
    cohortIds.push((await setup.createCohort(tenantId, studyId, { name }, actor)).cohortId)
  const slotIds: number[] = []
  for (const s of spec.slots ?? [])
    slotIds.push((await setup.createSlot(tenantId, studyId, s.siteId, s, actor)).appointmentId)
  return { studyId, cohortIds, slotIds }
}

export async function createQuestions(
  db: Kysely<DB>,
  tenantId: number,
  questions: QuestionInput[],
): Promise<number[]> {
  const setup = new QuestionsService(db)
  const ids: number[] = []
  for (const q of questions)
    ids.push((await setup.createQuestion(tenantId, q, systemActor(tenantId))).questionId)
  return ids
}

/** An ISO timestamp `days` days from now at `hour`:00 UTC. */
export function daysFromNow(days: number, hour = 9): string {
  const d = new Date(Date.now() + days * 86_400_000)
  d.setUTCHours(hour, 0, 0, 0)
  return d.toISOString()
}
