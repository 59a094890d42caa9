import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { seedIdentityDemo } from '../modules/identity/demo.js'
import { seedTrackDemo } from '../modules/track/demo.js'
import { seedRecruitDemo } from '../modules/recruit/demo.js'
import { seedConductDemo } from '../modules/conduct/demo.js'

export interface DemoContext {
  db: Kysely<DB>
  tenantId: number
}

/** Each module's demo data, in order; every seeder is idempotent (running the seed twice changes nothing). */
const SEEDERS: readonly { name: string; run: (ctx: DemoContext) => Promise<void> }[] = [
  { name: 'track', run: seedTrackDemo },
  { name: 'recruit', run: seedRecruitDemo },
  { name: 'study data: DEMO-PK-01', run: ({ db, tenantId }) => seedConductDemo(db, tenantId) },
]

export async function seedDemo(db: Kysely<DB>, log: (line: string) => void = () => undefined): Promise<void> {
  const tenantId = await seedIdentityDemo(db)
  log('identity: tenant DEMO, user demo')
  for (const seeder of SEEDERS) {
    await seeder.run({ db, tenantId })
    log(`${seeder.name}: done`)
  }
}
