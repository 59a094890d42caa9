import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../../../test/support/harness.js'
import {
  CIGARETTES,
  recruitApi,
  recruitWorld,
  volunteer,
  type RecruitWorld,
} from '../../../../test/support/recruit.js'

interface Problem {
  errors?: { path: string; message: string; rule: string }[]
}

onEveryDatabase('Recruit API: updateVolunteer', (h) => {
  let w: RecruitWorld
  const { post, register } = recruitApi(h, () => w)

  test('setup: a clinic with recruiting studies and its website account', async () => {
    w = await recruitWorld(h)
  })

  test('updateVolunteer needs reasonForChange, which lands in the audit trail with before and after', async () => {
    const id = await register()
    const without = await post('updateVolunteer', { volunteerId: id, phone: '+44 1' })
    assert.equal(without.statusCode, 422)
    assert.equal(without.json<Problem>().errors![0]!.path, '/querystring/reasonForChange')
    const res = await post(`updateVolunteer?reasonForChange=${encodeURIComponent('moved house')}`, {
      volunteerId: id,
      phone: '+44 2',
      weightKg: 80,
      answers: [{ question: CIGARETTES, answer: 0 }],
    })
    assert.equal(res.statusCode, 200, res.body)
    const audit = await h.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', w.admin.id)
      .where('action', '=', 'volunteer.update')
      .where('entity_id', '=', String(id))
      .executeTakeFirstOrThrow()
    assert.equal(audit.reason, 'moved house')
    assert.deepEqual(JSON.parse(audit.before!), {
      phone: '+44 161 000 0000',
      weightKg: 75.5,
      answers: { [CIGARETTES]: null },
    })
    assert.deepEqual(JSON.parse(audit.after!), {
      phone: '+44 2',
      weightKg: 80,
      answers: { [CIGARETTES]: '0' },
    })
    const stringNumber = await post('updateVolunteer?reasonForChange=x', { volunteerId: id, weightKg: '80' })
    assert.equal(stringNumber.statusCode, 422)
    const both = await post('updateVolunteer', { volunteerId: id, weightKg: '80' })
    assert.deepEqual(
      both.json<Problem>().errors!.map((e) => `${e.path} ${e.rule}`),
      ['/body/weightKg type', '/querystring/reasonForChange required'],
    )
    const empty = await post('updateVolunteer?reasonForChange=', { volunteerId: id, weightKg: '80' })
    assert.deepEqual(
      empty.json<Problem>().errors!.map((e) => `${e.path} ${e.rule}`),
      ['/body/weightKg type', '/querystring/reasonForChange minLength'],
    )
    const known = volunteer()
    await register(known)
    const other = await register()
    const clash = await post('updateVolunteer?reasonForChange=typo', {
      volunteerId: other,
      email: known.email,
    })
    assert.equal(clash.statusCode, 422)
    assert.deepEqual(
      clash.json<Problem>().errors!.map((e) => `${e.path} ${e.rule}`),
      ['/body/email duplicate'],
    )
    const dupe = await post('updateVolunteer?reasonForChange=typo', {
      volunteerId: other,
      firstName: known.firstName,
    })
    assert.equal(dupe.statusCode, 422)
    assert.equal(dupe.json<Problem>().errors!.length, 3)
    const missing = await post('updateVolunteer?reasonForChange=x', { volunteerId: 999999, phone: '1' })
    assert.equal(missing.statusCode, 404)
  })
})
