import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema.js'
import type { ResolvedReport } from '../params.js'
import type { Cell, Table } from './conduct.js'
import type { Snapshot } from './source.js'

type Counts = Map<number | null, number>

async function counted(snap: Snapshot, query: Parameters<Snapshot['all']>[0]): Promise<Counts> {
  const rows = await snap.all(query)
  return new Map(rows.map((r) => [r[0] === null ? null : Number(r[0]), Number(r[1])]))
}

const total = (c: Counts): number => [...c.values()].reduce((a, b) => a + b, 0)

/**
 * recruitment-funnel: per study site, how many volunteers reached each stage, and the study in total.
 * - VOLUNTEERS: the tenant's volunteers who prefer that site (the pool the site recruits from);
 * - INTERESTED: those of them who expressed interest in the study;
 * - BOOKED: volunteers holding an active screening booking in one of the study's slots at that site;
 * - SCREENED: subjects of the study at that site (a subject exists from screening on);
 * - ENROLLED: those subjects with an enrolment date.
 * Date bounds (`dateFrom`/`dateTo`) narrow each stage by when it happened: registration, interest,
 * booking, subject creation and enrolment.
 */
export function recruitmentFunnelTable(db: Kysely<DB>, snap: Snapshot, r: ResolvedReport): Table {
  const tenantId = r.study.tenant_id
  const studyId = r.study.id
  const { from, toExclusive } = r
  const day = (v: string | undefined): string | undefined => v?.slice(0, 10)
  async function* batches(): AsyncGenerator<Cell[][]> {
    const sites = await snap.all(
      db
        .selectFrom('study_sites')
        .select(['site_id', 'name'])
        .where('tenant_id', '=', tenantId)
        .where('study_id', '=', studyId)
        .orderBy('site_id')
        .compile(),
    )
    let volunteers = db
      .selectFrom('recruit_volunteers')
      .select((eb) => ['site_preference_id', eb.fn.countAll().as('n')])
      .where('tenant_id', '=', tenantId)
    if (from !== undefined) volunteers = volunteers.where('created_at', '>=', from)
    if (toExclusive !== undefined) volunteers = volunteers.where('created_at', '<', toExclusive)
    let interested = db
      .selectFrom('recruit_interests as i')
      .innerJoin('recruit_volunteers as v', 'v.id', 'i.volunteer_id')
      .select((eb) => ['v.site_preference_id', eb.fn.count('i.volunteer_id').distinct().as('n')])
      .where('i.tenant_id', '=', tenantId)
      .where('i.study_id', '=', studyId)
    if (from !== undefined) interested = interested.where('i.created_at', '>=', from)
    if (toExclusive !== undefined) interested = interested.where('i.created_at', '<', toExclusive)
    let booked = db
      .selectFrom('recruit_bookings as b')
      .innerJoin('recruit_slots as s', 's.id', 'b.slot_id')
      .select((eb) => ['s.site_id', eb.fn.count('b.volunteer_id').distinct().as('n')])
      .where('b.tenant_id', '=', tenantId)
      .where('b.study_id', '=', studyId)
      .where('b.status', '=', 'booked')
    if (from !== undefined) booked = booked.where('b.booked_at', '>=', from)
    if (toExclusive !== undefined) booked = booked.where('b.booked_at', '<', toExclusive)
    let screened = db
      .selectFrom('study_subjects')
      .select((eb) => ['site_id', eb.fn.countAll().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
    if (from !== undefined) screened = screened.where('created_at', '>=', from)
    if (toExclusive !== undefined) screened = screened.where('created_at', '<', toExclusive)
    let enrolled = db
      .selectFrom('study_subjects')
      .select((eb) => ['site_id', eb.fn.countAll().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .where('enrolled_on', 'is not', null)
    const fromDay = day(from)
    const toDay = day(toExclusive)
    if (fromDay !== undefined) enrolled = enrolled.where('enrolled_on', '>=', fromDay)
    if (toDay !== undefined) enrolled = enrolled.where('enrolled_on', '<', toDay)

    const stages = [
      await counted(snap, volunteers.groupBy('site_preference_id').compile()),
      await counted(snap, interested.groupBy('v.site_preference_id').compile()),
      await counted(snap, booked.groupBy('s.site_id').compile()),
      await counted(snap, screened.groupBy('site_id').compile()),
      await counted(snap, enrolled.groupBy('site_id').compile()),
    ]
    const rows: Cell[][] = sites.map((s) => {
      const siteId = Number(s[0])
      return [r.study.protocol, siteId, s[1] as string, ...stages.map((c) => c.get(siteId) ?? 0)]
    })
    // The study in total: every volunteer of the tenant (whatever their preference) and every stage reached.
    rows.push([r.study.protocol, null, 'All sites', ...stages.map(total)])
    yield rows
  }
  return {
    columns: ['STUDYID', 'SITEID', 'SITENAME', 'VOLUNTEERS', 'INTERESTED', 'BOOKED', 'SCREENED', 'ENROLLED'],
    batches: batches(),
  }
}
