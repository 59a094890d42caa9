import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { nowIso } from '../../db/columns.js'
import { systemActor } from '../audit/service.js'
import { StudiesRepository } from '../studies/repository.js'
import type { BodyRecord } from './records.js'
import type { NewItem, NewTimepoint } from './schemas.js'
import { ConductService } from './service.js'

export const DEMO_STUDY = 'DEMO-PK-01'

const DEMO_TIMEPOINTS: NewTimepoint[] = [
  { name: 'Screening', studyDay: -14, offsetMinutes: 0 },
  { name: 'Day 1 Predose', studyDay: 1, offsetMinutes: -30 },
  { name: 'Day 1 0.5h', studyDay: 1, offsetMinutes: 30 },
  { name: 'Day 1 1h', studyDay: 1, offsetMinutes: 60 },
  { name: 'Day 1 2h', studyDay: 1, offsetMinutes: 120 },
  { name: 'Day 1 4h', studyDay: 1, offsetMinutes: 240 },
  { name: 'Day 1 8h', studyDay: 1, offsetMinutes: 480 },
  { name: 'Day 1 12h', studyDay: 1, offsetMinutes: 720 },
  { name: 'Day 2 24h', studyDay: 2, offsetMinutes: 0 },
  { name: 'Follow-up', studyDay: 8, offsetMinutes: 0 },
]

const DEMO_ITEMS: NewItem[] = [
  {
    code: 'SYSBP',
    label: 'Systolic blood pressure',
    dataType: 'integer',
    unit: 'mmHg',
    form: 'VS',
    itemGroup: 'VS_BP',
  },
  {
    code: 'DIABP',
    label: 'Diastolic blood pressure',
    dataType: 'integer',
    unit: 'mmHg',
    form: 'VS',
    itemGroup: 'VS_BP',
  },
  {
    code: 'PULSE',
    label: 'Pulse rate',
    dataType: 'integer',
    unit: 'beats/min',
    form: 'VS',
    itemGroup: 'VS_OTHER',
  },
  {
    code: 'RESP',
    label: 'Respiratory rate',
    dataType: 'integer',
    unit: 'breaths/min',
    form: 'VS',
    itemGroup: 'VS_OTHER',
  },
  {
    code: 'TEMP',
    label: 'Body temperature',
    dataType: 'decimal',
    unit: 'C',
    form: 'VS',
    itemGroup: 'VS_OTHER',
  },
  {
    code: 'SPO2',
    label: 'Oxygen saturation',
    dataType: 'integer',
    unit: '%',
    form: 'VS',
    itemGroup: 'VS_OTHER',
  },
  {
    code: 'VSCOMM',
    label: 'Vital signs comment',
    dataType: 'text',
    unit: null,
    form: 'VS',
    itemGroup: 'VS_OTHER',
  },
  {
    code: 'PKCONC',
    label: 'Plasma concentration',
    dataType: 'decimal',
    unit: 'ng/mL',
    form: 'PK',
    itemGroup: 'PK_SAMPLE',
  },
]

/** A deterministic value for subject s (0-based), timepoint t, item code; null when not collected. */
function demoValue(s: number, t: number, code: string): string | null {
  const wobble = (s * 7 + t * 3) % 11
  switch (code) {
    case 'SYSBP':
      return String(112 + wobble + (s % 5))
    case 'DIABP':
      return String(70 + ((s * 3 + t) % 9))
    case 'PULSE':
      return String(60 + ((s * 5 + t * 2) % 17))
    case 'RESP':
      return String(12 + ((s + t) % 5))
    case 'TEMP':
      return `36.${5 + ((s + t) % 5)}`
    case 'SPO2':
      return String(96 + ((s + t) % 4))
    case 'VSCOMM':
      // One remark a spreadsheet would take for a formula: CSV exports must neutralise it.
      return s === 2 && t === 3 ? '=HYPERLINK("http://example.invalid","dizzy")' : null
    case 'PKCONC': {
      if (t < 1 || t > 8) return null
      const hours = [0, 0, 0.5, 1, 2, 4, 8, 12, 24][t] ?? 0
      const conc = hours === 0 ? 0 : (120 + s * 2.5) * (Math.exp(-0.15 * hours) - Math.exp(-1.2 * hours))
      return conc.toFixed(2)
    }
    default:
      return null
  }
}

/**
 * Study DEMO-PK-01 with 24 subjects over two sites, 10 timepoints, 8 items (vital signs and a PK concentration).
 * Screening to Day 1 4h is locked; later timepoints are not. Subject 1012 withdrew after Day 1 4h. Idempotent.
 */
export async function seedConductDemo(db: Kysely<DB>, tenantId: number): Promise<void> {
  const studies = new StudiesRepository(db)
  const now = nowIso()
  const study =
    (await studies.findByProtocol(tenantId, DEMO_STUDY)) ??
    (await studies.findById(
      tenantId,
      await studies.insert(
        db,
        tenantId,
        { protocol: DEMO_STUDY, name: 'Single ascending dose PK study', phase: 'I', status: 'active' },
        now,
      ),
    ))
  if (!study) throw new Error('demo study could not be created')
  const service = new ConductService(db)
  const actor = systemActor(tenantId)
  if ((await service.repo.subjects(tenantId, study.id)).length > 0) return
  let sites = (await studies.sitesOf(tenantId, study.id)).map((s) => s.site_id)
  for (const [siteId, name] of [
    [101, 'Demo Phase I Unit North'],
    [102, 'Demo Phase I Unit South'],
  ] as const) {
    if (sites.length >= 2) break
    if (!sites.includes(siteId)) await studies.insertSite(db, tenantId, study.id, { siteId, name }, now)
    sites = (await studies.sitesOf(tenantId, study.id)).map((s) => s.site_id)
  }
  const [siteA = 101, siteB = 102] = sites
  await service.createTimepoints(actor, study.id, DEMO_TIMEPOINTS)
  await service.createItems(actor, study.id, DEMO_ITEMS)
  await service.createSubjects(
    actor,
    study.id,
    Array.from({ length: 24 }, (_, s) => ({
      subjectNumber: String(1001 + s),
      siteId: s < 12 ? siteA : siteB,
      cohort: `Cohort ${1 + Math.floor(s / 8)}`,
      status: s === 11 ? ('withdrawn' as const) : ('randomised' as const),
      enrolledOn: `2026-02-${String(10 + (s % 12)).padStart(2, '0')}`,
      randomisedOn: '2026-03-01',
    })),
  )
  async function* records(): AsyncGenerator<BodyRecord> {
    let line = 0
    for (let s = 0; s < 24; s++) {
      for (let t = 0; t < DEMO_TIMEPOINTS.length; t++) {
        if (s === 11 && t > 5) continue
        const tp = DEMO_TIMEPOINTS[t]
        if (!tp) continue
        const day = new Date(Date.UTC(2026, 2, 1 + tp.studyDay, 8, 0) + (tp.offsetMinutes ?? 0) * 60_000)
        for (const item of DEMO_ITEMS) {
          const value = demoValue(s, t, item.code)
          if (value === null) continue
          yield {
            line: ++line,
            row: {
              subject: String(1001 + s),
              timepoint: tp.name,
              item: item.code,
              value,
              collectedAt: day.toISOString(),
              locked: t <= 5,
            },
          }
        }
      }
    }
  }
  await service.importObservations(actor, study.id, records())
}
