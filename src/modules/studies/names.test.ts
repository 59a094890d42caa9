import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../../test/support/harness.js'
import { recruitWorld, type RecruitWorld } from '../../../test/support/recruit.js'
import { createRecruitingStudy } from '../recruit/study-setup.js'
import { foldCase } from './names.js'

test('foldCase folds the letters A–Z and nothing else', () => {
  assert.equal(foldCase('Étude PK-01 ÄB'), 'Étude pk-01 Äb')
})

onEveryDatabase('studyName: name or protocol, A–Z in any case, the same on every operation', (h) => {
  let w: RecruitWorld
  const studyIdsOf = async (path: string, headers: Record<string, string>): Promise<number[]> => {
    const res = await h.app.inject({ url: path, headers })
    assert.ok(res.statusCode === 200 || res.statusCode === 404, `${path}: ${res.statusCode} ${res.body}`)
    if (res.statusCode === 404) return []
    const rows = res.json<{ studyId?: number }[]>()
    return [...new Set(rows.map((r) => r.studyId ?? -1))]
  }
  /** Which study each operation that takes studyName finds for `name` ([] for none). */
  const everywhere = async (name: string) => {
    const q = encodeURIComponent(name)
    const report = await h.app.inject({
      url: `/api/v1/invokeReport?reportName=subjects&studyName=${q}&format=json`,
      headers: w.admin.basic,
    })
    assert.ok(report.statusCode === 200 || report.statusCode === 422, report.body)
    const questions = await h.app.inject({
      url: `/api/v1/recruit/volunteerQuestions?studyName=${q}`,
      headers: w.website,
    })
    return {
      findActiveStudySites: await studyIdsOf(
        `/api/v1/recruit/findActiveStudySites?studyName=${q}`,
        w.website,
      ),
      findUnassignedAppointments: await studyIdsOf(
        `/api/v1/recruit/findUnassignedAppointments?studyName=${q}`,
        w.website,
      ),
      volunteerQuestions: questions.statusCode,
      invokeReport: report.statusCode,
    }
  }
  let accented = 0

  test('setup', async () => {
    w = await recruitWorld(h)
    const s = await createRecruitingStudy(h.database.db, w.admin.id, {
      protocol: 'ÉTUDE-03',
      name: 'Étude rénale',
      sites: [{ siteId: 1, name: 'Manchester Unit', locationOid: 'LOC-MAN' }],
      profile: { status: 'recruiting' },
      slots: [
        {
          siteId: 1,
          start: new Date(Date.now() + 86_400_000).toISOString(),
          end: new Date(Date.now() + 90_000_000).toISOString(),
          capacity: 1,
        },
      ],
    })
    accented = s.studyId
  })

  test('the protocol, in any case of A–Z, finds the study on every operation', async () => {
    for (const name of ['PK-01', 'pk-01', 'Healthy PK', 'HEALTHY pk']) {
      assert.deepEqual(
        await everywhere(name),
        {
          findActiveStudySites: [w.pk.studyId],
          findUnassignedAppointments: [w.pk.studyId],
          volunteerQuestions: 200,
          invokeReport: 200,
        },
        name,
      )
    }
  })

  test('other letters must match exactly, on both databases; an unknown name finds nothing anywhere', async () => {
    const none = {
      findActiveStudySites: [],
      findUnassignedAppointments: [],
      volunteerQuestions: 404,
      invokeReport: 422,
    }
    const found = {
      findActiveStudySites: [accented],
      findUnassignedAppointments: [accented],
      volunteerQuestions: 200,
      invokeReport: 200,
    }
    assert.deepEqual(await everywhere('ÉTUDE-03'), found)
    assert.deepEqual(await everywhere('Étude RéNALE'), found)
    assert.deepEqual(await everywhere('étude-03'), none)
    assert.deepEqual(await everywhere('ÉTUDE RÉNALE'), none)
    assert.deepEqual(await everywhere('PK-0'), none)
  })
})
