/** Test support: plans made from the Track fixtures (`shared/fixtures/track/*.json`), on a fresh tenant. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { DB } from '../../src/db/schema.js'
import { nowIso } from '../../src/db/columns.js'
import { systemActor } from '../../src/modules/audit/service.js'
import { PlansService } from '../../src/modules/plans/service.js'
import type { PlanDocument } from '../../src/modules/plans/schemas.js'
import { StudiesRepository } from '../../src/modules/studies/repository.js'
import type { App } from '../../src/app.js'
import { ROOT_NAMES } from '../../src/modules/track/model.js'
import { xmlDocument, type Value } from '../../src/http/xml.js'
import type { TrackResource } from '../../src/modules/plans/repository.js'
import { parseTrackDate } from '../../src/modules/track/values.js'

/** Verbatim copies of the contract's fixtures. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/track', import.meta.url))

type Json = Record<string, unknown>
interface FixturePeriod {
  date?: string
  startDate?: string
  endDate?: string
  plannedValue: number
}
interface FixtureLocation {
  locationId: number
  locationName: string
  periods?: FixturePeriod[]
}
interface FixtureItem {
  id: number
  name: string
  isTrackedAsPercentage?: boolean
  earnedValueTrackingLevel?: string
  location: FixtureLocation[]
}
interface FixtureProvider {
  id: number
  name: string
  trackingLevel?: string
  majorTask?: FixtureItem[]
  cost?: FixtureItem[]
}

export function readFixture(resource: TrackResource): Json {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}/${resource}.json`, 'utf8')) as Json
}

const iso = (date: string | undefined): string => {
  const parsed = parseTrackDate(date ?? '')
  if ('problem' in parsed) throw new Error(parsed.problem)
  return parsed.iso
}

/** The plan document whose Track representation of `resource` has the fixture's structure and planned values. */
export function planFromFixture(resource: TrackResource, studyId: number): PlanDocument {
  const rep = readFixture(resource)[ROOT_NAMES[resource]] as Json
  const locations = new Map<number, string>()
  const addLocation = (l: FixtureLocation) => locations.set(l.locationId, l.locationName)
  const monthly = (l: FixtureLocation) => ({
    locationId: l.locationId,
    ...(l.periods
      ? {
          periods: l.periods.map((p) => ({
            startDate: iso(p.startDate),
            endDate: iso(p.endDate),
            plannedValue: p.plannedValue,
          })),
        }
      : {}),
  })
  const doc: PlanDocument = {
    studyId,
    name: `Plan of the ${resource} fixture`,
    startDate: '2010-01-01',
    currency: 'USD',
    locations: [],
  }
  if (resource === 'sites' || resource === 'subjects' || resource === 'crfs') {
    const list = rep.location as FixtureLocation[]
    list.forEach(addLocation)
    doc.weekly = {
      [resource]: list.map((l) => ({
        locationId: l.locationId,
        periods: (l.periods ?? []).map((p) => ({ date: iso(p.date), plannedValue: p.plannedValue })),
      })),
    }
  } else {
    const providers = rep.serviceProvider as FixtureProvider[]
    doc.serviceProviders = providers.map((sp) => {
      for (const item of [...(sp.majorTask ?? []), ...(sp.cost ?? [])]) item.location.forEach(addLocation)
      return {
        id: sp.id,
        name: sp.name,
        trackingLevel: (sp.trackingLevel ?? 'Globally') as 'Globally',
        ...(resource === 'units'
          ? {
              majorTasks: (sp.majorTask ?? []).map((t) => ({
                id: t.id,
                name: t.name,
                isTrackedAsPercentage: t.isTrackedAsPercentage === true,
                trackingLevel: t.location.every((l) => l.locationId === 0)
                  ? ('study' as const)
                  : ('location' as const),
                budget: 1000,
                locations: t.location.map(monthly),
              })),
            }
          : {}),
        ...(resource === 'fees' && sp.majorTask
          ? { fees: sp.majorTask.map((t) => ({ majorTaskId: t.id, locations: t.location.map(monthly) })) }
          : {}),
        ...(resource === 'costs'
          ? {
              costs: (sp.cost ?? []).map((c) => ({
                id: c.id,
                name: c.name,
                earnedValueTrackingLevel: c.earnedValueTrackingLevel as 'Derived',
                locations: c.location.map(monthly),
              })),
            }
          : {}),
      }
    })
  }
  doc.locations = [...locations].map(([locationId, name]) => ({ locationId, name }))
  return doc
}

let studyCounter = 0

/** A new study of the tenant. */
export async function createStudy(db: Kysely<DB>, tenantId: number): Promise<number> {
  return new StudiesRepository(db).insert(
    db,
    tenantId,
    { protocol: `P-${process.pid}-${++studyCounter}`, name: 'A test study' },
    nowIso(),
  )
}

/** A baseline plan of a new study, made from a plan document (by default the fixture's). */
export async function createBaselinePlan(
  db: Kysely<DB>,
  dialect: 'sqlite' | 'postgres',
  tenantId: number,
  make: TrackResource | ((studyId: number) => PlanDocument),
): Promise<number> {
  const studyId = await createStudy(db, tenantId)
  const doc = typeof make === 'string' ? planFromFixture(make, studyId) : make(studyId)
  const plan = await new PlansService(db, dialect).create(systemActor(tenantId), doc, { baseline: true })
  return plan.id
}

/**
 * A weekly plan of `locations` × `weeks` from 02-Jan-2020 (locations 1000…, named "Country 1"…), planned 1–7 per
 * week, the same series for sites, subjects and CRF pages: the large grid of the web bench and its browser test.
 */
export function weeklyPlan(studyId: number, locations: number, weeks: number): PlanDocument {
  const dates = Array.from({ length: weeks }, (_, i) =>
    new Date(Date.UTC(2020, 0, 2) + 7 * i * 86_400_000).toISOString().slice(0, 10),
  )
  const list = Array.from({ length: locations }, (_, i) => ({
    locationId: 1000 + i,
    name: `Country ${i + 1}`,
  }))
  const series = list.map((l, i) => ({
    locationId: l.locationId,
    periods: dates.map((date, w) => ({ date, plannedValue: ((i + w) % 7) + 1 })),
  }))
  return {
    studyId,
    name: `Weekly ${locations} × ${weeks}`,
    planState: 'Final',
    startDate: dates[0] ?? '2020-01-02',
    currency: 'USD',
    locations: list,
    weekly: { sites: series, subjects: series, crfs: series },
  }
}

/** GET and POST of Track resources as a tenant's user (Basic + customerCode). */
/** What `trackClient` needs of the test harness (kept structural: `src/` does not import `test/`). */
interface ClientHarness {
  readonly app: App
}

export function trackClient(h: ClientHarness, t: { basic: Record<string, string> }) {
  const url = (planId: number, resource: TrackResource) => `/cleartrial-ws/actuals/${planId}/${resource}`
  return {
    get: (planId: number, resource: TrackResource, accept = 'application/json') =>
      h.app.inject({ url: url(planId, resource), headers: { ...t.basic, accept } }),
    post: (planId: number, resource: TrackResource, body: unknown, format: 'json' | 'xml' = 'json') =>
      h.app.inject({
        method: 'POST',
        url: url(planId, resource),
        headers: {
          ...t.basic,
          'content-type': `application/${format}`,
          accept: `application/${format}`,
        },
        payload: format === 'xml' ? xmlDocument(body as Record<string, Value>) : JSON.stringify(body),
      }),
  }
}
