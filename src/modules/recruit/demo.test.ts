import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../../test/support/harness.js'
import { seedDemo } from '../../seed/demo.js'
import { DEMO_WEBSITE_USER } from './demo.js'

onEveryDatabase('Recruit demo data', (h) => {
  test('seeding twice changes nothing, and the website account can run the flow against it', async () => {
    await seedDemo(h.database.db)
    const count = async () =>
      Promise.all(
        (['recruit_volunteers', 'recruit_slots', 'recruit_questions', 'studies'] as const).map(async (t) => {
          const r = await h.database.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
          return r.n
        }),
      )
    const first = await count()
    await seedDemo(h.database.db)
    assert.deepEqual(await count(), first)
    const headers = {
      authorization: `Basic ${Buffer.from(`${DEMO_WEBSITE_USER.username}:${DEMO_WEBSITE_USER.password}`).toString('base64')}`,
      customercode: 'DEMO',
    }
    const sites = await h.app.inject({ url: '/api/v1/recruit/findActiveStudySites', headers })
    assert.equal(sites.statusCode, 200)
    assert.deepEqual([...new Set(sites.json<{ siteId: number }[]>().map((s) => s.siteId))].sort(), [1, 2])
    const slots = await h.app.inject({ url: '/api/v1/recruit/findUnassignedAppointments', headers })
    assert.ok(slots.json<unknown[]>().length >= 6)
    const admin = await h.app.inject({ url: '/api/v1/me', headers })
    assert.deepEqual(admin.json<{ actions: string[] }>().actions, ['api', 'recruit.use'])
  })
})
