import { PostgresAdapter, type Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { inTransaction } from '../../db/database.js'
import { nowIso } from '../../db/columns.js'
import { systemActor } from '../audit/service.js'
import { PlansService } from '../plans/service.js'
import { WEEKLY_RESOURCES } from '../plans/repository.js'
import type { PlanDocument } from '../plans/schemas.js'
import { StudiesRepository } from '../studies/repository.js'
import type { DemoContext } from '../../seed/demo.js'

const isoOf = (d: Date): string => d.toISOString().slice(0, 10)
function addDays(iso: string, days: number): string {
  return isoOf(new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000))
}
/** Calendar months from `year`/`month` (1-based): [{startDate, endDate}]. */
export function months(year: number, month: number, count: number): { startDate: string; endDate: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(Date.UTC(year, month - 1 + i, 1))
    const end = new Date(Date.UTC(year, month + i, 0))
    return { startDate: isoOf(start), endDate: isoOf(end) }
  })
}

async function demoStudy(db: Kysely<DB>, tenantId: number, protocol: string, name: string): Promise<number> {
  const repo = new StudiesRepository(db)
  const found = await repo.findByProtocol(tenantId, protocol)
  if (found) return found.id
  return repo.insert(
    db,
    tenantId,
    { protocol, name, phase: 'Phase II', sponsor: 'Demo Pharma', compound: 'DP-101', status: 'active' },
    nowIso(),
  )
}

/** Plan 10802: USA and Japan, 26 weekly periods from 01-Apr-2010 for sites, subjects and CRFs. */
function plan10802(studyId: number): PlanDocument {
  const weeks = Array.from({ length: 26 }, (_, i) => addDays('2010-04-01', 7 * i))
  const series = (usa: (i: number) => number, japan: (i: number) => number) => [
    { locationId: 100, periods: weeks.map((date, i) => ({ date, plannedValue: usa(i) })) },
    { locationId: 123, periods: weeks.map((date, i) => ({ date, plannedValue: japan(i) })) },
  ]
  return {
    studyId,
    name: 'Baseline plan',
    code: 'CT-10802-B',
    planState: 'Final',
    startDate: '2010-04-01',
    currency: 'USD',
    locations: [
      { locationId: 100, name: 'USA', numSites: 40 },
      { locationId: 123, name: 'Japan', numSites: 12 },
    ],
    weekly: {
      sites: series(
        (i) => 3 + i,
        (i) => 1 + i,
      ),
      subjects: series(
        (i) => 3 + 2 * i,
        (i) => 1 + i,
      ),
      crfs: series(
        (i) => 3 + 10 * i,
        (i) => 1 + 5 * i,
      ),
    },
  }
}

const FEES_10104 = [
  20501.20641137218, 14306.048742060317, 12000, 11850.5, 11600.25, 11400, 11200.75, 11000, 10800.5, 10600,
  10400.25, 10200, 10000, 9900.5, 9800, 9700.25, 9600, 9500.5, 9455.021795460874,
]

/** Plan 47323: the providers, major tasks, fees and costs of the seed's units/fees/costs samples. */
function plan47323(studyId: number): PlanDocument {
  const m = months(2012, 10, 19)
  const at = (i: number) => m[i] ?? { startDate: '2012-10-01', endDate: '2012-10-31' }
  const pct = (value: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({ ...at(i), plannedValue: value }))
  const study = (periods: { startDate: string; endDate: string; plannedValue: number }[]) => [
    { locationId: 0, periods },
  ]
  const none = [{ locationId: 0 }]
  return {
    studyId,
    name: 'Baseline plan',
    code: 'CT-47323-B',
    planState: 'Final',
    startDate: '2012-10-01',
    currency: 'USD',
    locations: [
      { locationId: 0, name: 'All Locations' },
      { locationId: 157, name: 'Australia', numSites: 6 },
      { locationId: 158, name: 'New Zealand', numSites: 3 },
    ],
    serviceProviders: [
      {
        id: 10104,
        name: 'Cleartrial Operations',
        type: 'CRO',
        trackingLevel: 'Globally',
        majorTasks: [
          {
            id: 2,
            name: 'Project Initiated',
            isTrackedAsPercentage: true,
            trackingLevel: 'study',
            budget: '20000',
            locations: study(pct(0.14285714285714293, 7)),
          },
          {
            id: 32,
            name: 'Study Setup',
            isTrackedAsPercentage: true,
            trackingLevel: 'study',
            budget: '30000',
            locations: study(pct(0.14285714285714293, 7)),
          },
          {
            id: 31,
            name: 'Study Setup Per-Location',
            isTrackedAsPercentage: true,
            trackingLevel: 'location',
            budget: '24000',
            locations: [
              { locationId: 157, periods: pct(0.1333333333333333, 7) },
              { locationId: 158, periods: pct(0.1333333333333333, 7) },
            ],
          },
          {
            id: 3,
            name: 'A Written Protocol',
            isTrackedAsPercentage: true,
            trackingLevel: 'study',
            budget: '15000',
            locations: study([
              { ...at(0), plannedValue: 0.9333333333333332 },
              { ...at(1), plannedValue: 0.06666666666666667 },
            ]),
          },
          {
            id: 4,
            name: 'Unique CRF Page Developed',
            isTrackedAsPercentage: true,
            trackingLevel: 'study',
            budget: '8000',
            locations: none,
          },
          {
            id: 5,
            name: 'CRF Book Printed',
            isTrackedAsPercentage: false,
            trackingLevel: 'study',
            budget: '2000',
            locations: none,
          },
          {
            id: 61,
            name: 'Meetings - Kickoff',
            isTrackedAsPercentage: false,
            trackingLevel: 'study',
            budget: '12000',
            locations: study([{ ...at(0), plannedValue: 1.0 }]),
          },
          {
            id: 50,
            name: 'Meetings - Investigator',
            isTrackedAsPercentage: false,
            trackingLevel: 'study',
            budget: '25000',
            locations: study([{ ...at(6), plannedValue: 1.0 }]),
          },
          {
            id: 33,
            name: 'Meetings - Face to Face',
            isTrackedAsPercentage: false,
            trackingLevel: 'study',
            budget: '18000',
            locations: study([{ ...at(6), plannedValue: 1.0 }]),
          },
          {
            id: 62,
            name: 'Meetings - Teleconference',
            isTrackedAsPercentage: false,
            trackingLevel: 'study',
            budget: '67381.43',
            locations: study(
              Array.from({ length: 18 }, (_, i) => ({ ...at(i), plannedValue: i === 0 ? 4.0 : 2.0 })),
            ),
          },
        ],
        fees: [
          { majorTaskId: 0, locations: study(FEES_10104.map((v, i) => ({ ...at(i), plannedValue: v }))) },
        ],
      },
      {
        id: 19003,
        name: '!! 1',
        type: 'Sponsor',
        trackingLevel: 'Pay for work completed upon milestone achieved',
        costs: [
          {
            id: 1,
            name: 'Advertising (additional)',
            earnedValueTrackingLevel: 'Auto-tracked (set EV to AC)',
            locations: none,
          },
          {
            id: 27,
            name: 'Call Center ',
            earnedValueTrackingLevel: 'Auto-tracked (set EV to AC)',
            locations: none,
          },
          {
            id: 38,
            name: 'Clinical Trial Insurance',
            type: 'Pass Through',
            earnedValueTrackingLevel: 'Auto-tracked (set EV to AC)',
            locations: [
              {
                locationId: 157,
                periods: [
                  { ...at(0), plannedValue: 0.0 },
                  ...[1, 2, 3, 4, 5].map((i) => ({ ...at(i), plannedValue: 1250.0 })),
                ],
              },
              { locationId: 158 },
            ],
          },
        ],
      },
    ],
  }
}

function isPostgres(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/** Studies and baseline plans 10802 and 47323 of tenant DEMO, with some actuals entered; idempotent. */
export async function seedTrackDemo({ db, tenantId }: DemoContext): Promise<void> {
  const plans = new PlansService(db, isPostgres(db) ? 'postgres' : 'sqlite')
  const actor = systemActor(tenantId)
  const wanted: [number, string, string, (studyId: number) => PlanDocument][] = [
    [10802, 'CT-TRACK-10802', 'Track demo: sites, subjects and CRF pages', plan10802],
    [47323, 'CT-TRACK-47323', 'Track demo: units, fees and costs', plan47323],
  ]
  for (const [planId, protocol, name, document] of wanted) {
    if (await plans.repo.planIdTaken(planId)) continue
    const studyId = await demoStudy(db, tenantId, protocol, name)
    await plans.create(actor, document(studyId), { id: planId, baseline: true })
  }
  await enterDemoActuals(db, plans, tenantId)
}

/** The fixtures' actuals: USA 0, 2 and Japan 0 in the first weeks (sites, subjects, CRFs), once. */
async function enterDemoActuals(db: Kysely<DB>, plans: PlansService, tenantId: number): Promise<void> {
  const weeks = new Set(['2010-04-01', '2010-04-08'])
  const rows = (
    await Promise.all(WEEKLY_RESOURCES.map((r) => plans.repo.weeklyValues(db, tenantId, 10802, r)))
  )
    .flat()
    .filter((r) => weeks.has(r.period_date))
  if (rows.length === 0 || rows.some((r) => r.actual_value !== null)) return
  const actual = (r: (typeof rows)[number]) =>
    r.period_date === '2010-04-01' ? '0' : r.location_id === 100 ? '2' : null
  await inTransaction(db, async (trx) => {
    await plans.repo.updateWeeklyActuals(
      trx,
      tenantId,
      10802,
      rows.map((r) => ({ id: r.id, actual: actual(r) })),
    )
    // Every write to actuals changes their lockTokens, so a running server's cached representations expire.
    await plans.repo.bumpLockTokens(trx, tenantId, 10802)
  })
}
