import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema.js'
import { ValidationFailed } from '../../../errors.js'
import { planPerformance } from '../../plans/performance/routes.js'
import type { Figures } from '../../plans/performance/schemas.js'
import { PlansRepository } from '../../plans/repository.js'
import type { ResolvedReport } from '../params.js'
import type { Cell, Table } from './conduct.js'

const FIGURES = [
  'bac',
  'pv',
  'ev',
  'ac',
  'sv',
  'cv',
  'spi',
  'cpi',
  'eac',
  'etc',
  'vac',
  'tcpi',
  'percentComplete',
] as const satisfies readonly (keyof Figures)[]

/** The status date: the day before `dateTo`'s exclusive bound, or today. */
function statusDateOf(r: ResolvedReport): string {
  if (r.toExclusive === undefined) return new Date().toISOString().slice(0, 10)
  const day = new Date(`${r.toExclusive.slice(0, 10)}T00:00:00Z`)
  day.setUTCDate(day.getUTCDate() - 1)
  return day.toISOString().slice(0, 10)
}

/**
 * track-performance: the earned value of the study's baseline plan at a status date (`dateTo`, default today),
 * for the plan, each service provider and each location — the figures of `GET /api/v1/plans/{id}/performance`,
 * as rows. A study without a baseline plan is a 422 naming the study.
 */
export async function trackPerformanceTable(db: Kysely<DB>, r: ResolvedReport): Promise<Table> {
  const repo = new PlansRepository(db)
  const plan = await repo.baselineOf(r.study.tenant_id, r.study.id)
  if (!plan) {
    throw ValidationFailed.one(
      r.params.studyId !== undefined ? 'studyId' : 'studyName',
      `study ${r.study.protocol} has no baseline plan to report on`,
      'reference',
    )
  }
  const statusDate = statusDateOf(r)
  const perf = await planPerformance(repo, r.study.tenant_id, plan.id, statusDate)
  const row = (level: string, id: number | null, name: string, f: Figures): Cell[] => [
    r.study.protocol,
    plan.id,
    perf.statusDate,
    level,
    id,
    name,
    ...FIGURES.map((k) => f[k]),
  ]
  const rows: Cell[][] = [
    row('plan', plan.id, plan.name, perf.plan),
    ...perf.serviceProviders.map((p) => row('serviceProvider', p.id, p.name, p)),
    ...perf.locations.map((l) => row('location', l.locationId, l.locationName, l)),
  ]
  async function* batches(): AsyncGenerator<Cell[][]> {
    yield rows
  }
  return {
    columns: [
      'STUDYID',
      'PLANID',
      'STATUS_DATE',
      'LEVEL',
      'ID',
      'NAME',
      ...FIGURES.map((k) => (k === 'percentComplete' ? 'PERCENT_COMPLETE' : k.toUpperCase())),
    ],
    batches: batches(),
  }
}
