import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../../test/support/harness.js'
import { recruitWorld, volunteer, type RecruitWorld } from '../../../test/support/recruit.js'

/**
 * Ids inside request bodies that name another entity: one of another tenant is as unknown as one that does not
 * exist (422 naming the field, or 404), nothing is written, nothing is audited, and the server stays healthy.
 */
onEveryDatabase('ids of another tenant inside bodies', (h) => {
  let a: RecruitWorld
  let b: RecruitWorld
  let theirVolunteer: number
  /** A site id only tenant B has. */
  const THEIR_SITE = 77

  const send = (headers: Record<string, string>, method: 'POST' | 'PUT', url: string, payload: unknown) =>
    h.app.inject({ method, url, headers, payload: payload as object })
  /** Everything tenant A has written: rows of the tables these requests write, and its audit trail. */
  const footprint = async () => {
    const db = h.database.db
    const count = async (
      table: 'study_subjects' | 'recruit_questions' | 'recruit_volunteers' | 'audit_log',
    ) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('tenant_id', '=', a.admin.id)
            .executeTakeFirstOrThrow()
        ).n,
      )
    return {
      subjects: await count('study_subjects'),
      questions: await count('recruit_questions'),
      volunteers: await count('recruit_volunteers'),
      audit: await count('audit_log'),
    }
  }
  const refused = async (res: { statusCode: number; body: string }, status: number, field?: string) => {
    assert.equal(res.statusCode, status, res.body)
    if (field) assert.ok(res.body.includes(field), `${res.body} names ${field}`)
  }

  test('setup: two clinics; B has a volunteer and a site A lacks', async () => {
    a = await recruitWorld(h)
    b = await recruitWorld(h)
    const saved = await send(b.website, 'POST', '/api/v1/recruit/saveVolunteer', volunteer())
    assert.equal(saved.statusCode, 200, saved.body)
    theirVolunteer = saved.json<{ volunteerId: number }>().volunteerId
    const site = await send(b.admin.basic, 'POST', `/api/v1/studies/${b.pk.studyId}/sites`, {
      siteId: THEIR_SITE,
      name: 'Their unit',
    })
    assert.equal(site.statusCode, 201, site.body)
  })

  test("a subject linked to another tenant's volunteer → 422 /body/0/volunteerId", async () => {
    const before = await footprint()
    const res = await send(a.admin.basic, 'POST', `/api/v1/studies/${a.pk.studyId}/subjects`, [
      { subjectNumber: 'X-1', volunteerId: theirVolunteer },
    ])
    await refused(res, 422, '/body/0/volunteerId')
    assert.deepEqual(await footprint(), before)
  })

  test("a volunteer question for another tenant's site → 422 /body/siteId", async () => {
    const before = await footprint()
    const res = await send(a.admin.basic, 'POST', '/api/v1/volunteer-questions', {
      text: 'Can you stay overnight at their unit?',
      answerType: 'yesno',
      siteId: THEIR_SITE,
    })
    await refused(res, 422, '/body/siteId')
    assert.deepEqual(await footprint(), before)
  })

  test("a volunteer preferring another tenant's site → 422 /body/sitePreferenceId", async () => {
    const before = await footprint()
    const res = await send(
      a.website,
      'POST',
      '/api/v1/recruit/saveVolunteer',
      volunteer({ sitePreferenceId: THEIR_SITE }),
    )
    await refused(res, 422, 'sitePreferenceId')
    assert.deepEqual(await footprint(), before)
  })

  test("interest in another tenant's study, or booking for their volunteer → unknown", async () => {
    const before = await footprint()
    const mine = await send(a.website, 'POST', '/api/v1/recruit/saveVolunteer', volunteer())
    assert.equal(mine.statusCode, 200)
    const after = await footprint()
    const interest = await send(a.website, 'POST', '/api/v1/recruit/expressInterest', {
      volunteerId: mine.json<{ volunteerId: number }>().volunteerId,
      studyId: b.pk.studyId,
    })
    await refused(interest, 422, 'studyId')
    const theirs = await send(a.website, 'POST', '/api/v1/recruit/expressInterest', {
      volunteerId: theirVolunteer,
      studyId: a.pk.studyId,
    })
    await refused(theirs, 404)
    assert.deepEqual(await footprint(), after)
    assert.equal(after.volunteers, before.volunteers + 1)
  })

  test("restricting staff to another tenant's site → 422 /body/siteIds/0", async () => {
    const before = await footprint()
    const res = await send(a.admin.basic, 'PUT', `/api/v1/volunteer-site-restrictions/${a.admin.userId}`, {
      siteIds: [THEIR_SITE],
    })
    await refused(res, 422, '/body/siteIds/0')
    assert.deepEqual(await footprint(), before)
    assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
  })
})
