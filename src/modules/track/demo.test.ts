import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../../test/support/harness.js'
import { seedDemo } from '../../seed/demo.js'
import { createBaselinePlan } from '../../../test/support/track.js'

onEveryDatabase('Track demo data', (h) => {
  test('the demo seed makes plans 10802 and 47323 trackable, twice over without change, and later plans still get ids', async () => {
    const db = h.database.db
    await seedDemo(db)
    const count = async () =>
      (
        await db
          .selectFrom('plan_monthly_values')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    const before = await count()
    const auth = {
      authorization: `Basic ${Buffer.from('demo:p@55w0rd').toString('base64')}`,
      customercode: 'DEMO',
    }
    const sites = await h.app.inject({ url: '/cleartrial-ws/actuals/10802/sites', headers: auth })
    await seedDemo(db)
    assert.equal(await count(), before)
    assert.equal(sites.statusCode, 200)
    assert.match(
      sites.body,
      /"locationId":100,"locationName":"USA","periods":\[\{"date":"01-Apr-2010","plannedValue":3,"actualValue":0\},\{"date":"08-Apr-2010","plannedValue":4,"actualValue":2\}/,
    )
    assert.match(sites.body, /"locationId":123,"locationName":"Japan"/)
    for (const resource of ['units', 'fees', 'costs']) {
      const res = await h.app.inject({ url: `/cleartrial-ws/actuals/47323/${resource}`, headers: auth })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /"planId":47323/)
    }
    const tenant = await db
      .selectFrom('tenants')
      .select('id')
      .where('code', '=', 'DEMO')
      .executeTakeFirstOrThrow()
    const next = await createBaselinePlan(db, h.dialect, tenant.id, 'sites')
    assert.ok(next > 47323, `a plan made after the demo gets a fresh id (${next})`)
  })
})
