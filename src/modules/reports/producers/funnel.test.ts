import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../../../test/support/harness.js'
import { recruitWorld, volunteer, type RecruitWorld } from '../../../../test/support/recruit.js'

type Row = Record<string, string | number | null>

onEveryDatabase('recruitment-funnel report', (h) => {
  let w: RecruitWorld
  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    const res = await h.app.inject({ method: 'POST', url: path, payload: body as object, headers })
    assert.ok(res.statusCode < 300, `${path} → ${res.statusCode} ${res.body}`)
    return res.json<Record<string, number>>()
  }

  test('each stage counts, per site and in total, what volunteers have reached', async () => {
    w = await recruitWorld(h)
    const ids: number[] = []
    for (const site of [1, 1, 1, 2]) {
      ids.push(
        (await post('/api/v1/recruit/saveVolunteer', volunteer({ sitePreferenceId: site }), w.website))
          .volunteerId!,
      )
    }
    const [a, b, , d] = ids as [number, number, number, number]
    for (const v of [a, b, d]) {
      await post('/api/v1/recruit/expressInterest', { volunteerId: v, studyId: w.pk.studyId }, w.website)
    }
    // Slot 0 is the PK study's at site 1, slot 2 at site 2 (see recruitWorld).
    await post(
      '/api/v1/recruit/assignAppointment',
      { volunteerId: a, appointmentId: w.pk.slotIds[0] },
      w.website,
    )
    await post(
      '/api/v1/recruit/assignAppointment',
      { volunteerId: b, appointmentId: w.pk.slotIds[0] },
      w.website,
    )
    await post(
      '/api/v1/recruit/cancelAppointment',
      { volunteerId: b, appointmentId: w.pk.slotIds[0], reason: 'ill' },
      w.website,
    )
    await post(
      '/api/v1/recruit/assignAppointment',
      { volunteerId: d, appointmentId: w.pk.slotIds[2] },
      w.website,
    )
    await post(
      `/api/v1/studies/${w.pk.studyId}/subjects`,
      [
        { subjectNumber: '1001', siteId: 1, status: 'enrolled', enrolledOn: '2026-01-10', volunteerId: a },
        { subjectNumber: '1002', siteId: 1, status: 'screened', enrolledOn: null },
      ],
      w.admin.basic,
    )

    const res = await h.app.inject({
      url: `/api/v1/invokeReport?reportName=recruitment-funnel&studyId=${w.pk.studyId}&format=json`,
      headers: w.admin.basic,
    })
    assert.equal(res.statusCode, 200, res.body)
    const rows = res.json<Row[]>()
    const pick = (r: Row) => [r.SITEID, r.VOLUNTEERS, r.INTERESTED, r.BOOKED, r.SCREENED, r.ENROLLED]
    assert.deepEqual(rows.map(pick), [
      [1, 3, 2, 1, 2, 1],
      [2, 1, 1, 1, 0, 0],
      [null, 4, 3, 2, 2, 1],
    ])
    assert.equal(rows[2]?.SITENAME, 'All sites')
  })

  test('the funnel takes no subjects, and needs reports.run', async () => {
    const bad = await h.app.inject({
      url: `/api/v1/invokeReport?reportName=recruitment-funnel&studyId=${w.pk.studyId}&subjects=1001`,
      headers: w.admin.basic,
    })
    assert.equal(bad.statusCode, 422)
    assert.equal(bad.json<{ errors: { path: string }[] }>().errors[0]?.path, 'subjects')
    const website = await h.app.inject({
      url: `/api/v1/invokeReport?reportName=recruitment-funnel&studyId=${w.pk.studyId}`,
      headers: w.website,
    })
    assert.equal(website.statusCode, 403)
  })
})
