import { nowIso } from '../../src/db/columns.js'
import { systemActor } from '../../src/modules/audit/service.js'
import { seedConductDemo, DEMO_STUDY } from '../../src/modules/conduct/demo.js'
import { StudiesRepository } from '../../src/modules/studies/repository.js'
import type { Harness } from './harness.js'

/** A study (with sites 101 and 102) in the tenant; studies' own API belongs to another module. */
export async function createStudy(h: Harness, tenantId: number, protocol: string): Promise<number> {
  const repo = new StudiesRepository(h.database.db)
  const now = nowIso()
  const id = await repo.insert(h.database.db, tenantId, { protocol, name: `Study ${protocol}` }, now)
  await repo.insertSite(h.database.db, tenantId, id, { siteId: 101, name: 'North' }, now)
  await repo.insertSite(h.database.db, tenantId, id, { siteId: 102, name: 'South' }, now)
  return id
}

/** The demo study DEMO-PK-01 in the tenant; returns its id. */
export async function createDemoStudy(h: Harness, tenantId: number): Promise<number> {
  await seedConductDemo(h.database.db, tenantId)
  const study = await new StudiesRepository(h.database.db).findByProtocol(tenantId, DEMO_STUDY)
  if (!study) throw new Error('demo study missing')
  return study.id
}

export { systemActor }
