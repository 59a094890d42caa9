import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { onEveryDatabase } from '../support/harness.js'
import { CIGARETTES, LEEDS_TRAVEL, recruitWorld, SMOKE, type RecruitWorld } from '../support/recruit.js'

interface Question {
  text: string
  answerType: string
  options: string[] | null
  siteId: number | null
  required: boolean
}

onEveryDatabase('the Recruit questions the website must ask', (h) => {
  let w: RecruitWorld
  before(async () => {
    w = await recruitWorld(h)
  })
  const ask = (query: string, headers = w.website) =>
    h.app.inject({ url: `/api/v1/recruit/volunteerQuestions${query}`, headers })

  test('the website account reads them for a study (by name or protocol, any case) or a site', async () => {
    const forStudy = await ask('?studyName=pk-01')
    assert.equal(forStudy.statusCode, 200, forStudy.body)
    const questions = forStudy.json<Question[]>()
    assert.deepEqual(questions.map((q) => q.text).sort(), [CIGARETTES, LEEDS_TRAVEL, SMOKE].sort())
    const smoke = questions.find((q) => q.text === SMOKE)
    assert.deepEqual(smoke, { ...smoke, answerType: 'yesno', required: true, siteId: null })
    assert.deepEqual((await ask('?studyName=HEALTHY%20PK')).json<Question[]>().length, 3)
    // The asthma study is at site 1 only: the Leeds question is not for it.
    const asthma = (await ask('?studyName=Asthma%20in%20women')).json<Question[]>()
    assert.deepEqual(asthma.map((q) => q.text).sort(), [CIGARETTES, SMOKE].sort())
    const site1 = (await ask('?siteId=1')).json<Question[]>()
    assert.ok(!site1.some((q) => q.text === LEEDS_TRAVEL))
  })

  test('findActiveStudySites takes the protocol as studyName too, in any case', async () => {
    const res = await h.app.inject({
      url: '/api/v1/recruit/findActiveStudySites?studyName=pk-01',
      headers: w.website,
    })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json<unknown[]>().length, 2)
  })

  test('an unknown or closed study → 404; bad input → 422; another tenant’s website sees nothing of it', async () => {
    assert.equal((await ask('?studyName=OLD-03')).statusCode, 404)
    assert.equal((await ask('?studyName=nope')).statusCode, 404)
    assert.equal((await ask('?siteId=abc')).statusCode, 422)
    assert.equal((await ask('?studyName=')).statusCode, 422)
    const other = await recruitWorld(h)
    const theirs = await ask('?studyName=PK-01', other.website)
    assert.equal(theirs.statusCode, 200)
    assert.equal((await ask('', other.website)).json<Question[]>().length, 3)
    assert.equal((await ask('', { ...w.website, authorization: 'Basic eDp5' })).statusCode, 401)
  })
})
