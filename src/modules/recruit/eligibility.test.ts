import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ageOn, bmiOf, failedCriteria, type Candidate, type Criteria } from './eligibility.js'

const open: Criteria = {
  minAge: null,
  maxAge: null,
  sex: null,
  minBmi: null,
  maxBmi: null,
  healthyVolunteers: null,
  requiredAnswers: [],
  siteIds: [1, 2],
}
const person: Candidate = {
  dateOfBirth: '1990-06-15',
  sex: 'F',
  heightCm: 170,
  weightKg: 65,
  healthyVolunteer: true,
  answers: new Map([[7, 'false']]),
  sitePreferenceId: 1,
}

test('age counts whole years, turning a year older on the birthday', () => {
  assert.equal(ageOn('1990-06-15', '2026-06-14'), 35)
  assert.equal(ageOn('1990-06-15', '2026-06-15'), 36)
  assert.equal(ageOn('2000-02-29', '2026-02-28'), 25)
})

test('BMI is weight over height squared, to one decimal', () => {
  assert.equal(bmiOf(170, 65), 22.5)
  assert.equal(bmiOf(180, 75.5), 23.3)
})

test('a study without criteria fits anyone at one of its sites', () => {
  assert.deepEqual(failedCriteria(open, person, '2026-01-01'), [])
})

test('each criterion the candidate fails is named, range bounds included', () => {
  const strict: Criteria = {
    ...open,
    minAge: 40,
    maxAge: 35,
    sex: 'M',
    minBmi: '22.6',
    maxBmi: '30',
    healthyVolunteers: false,
    requiredAnswers: [{ questionId: 7, question: 'Do you smoke?', answer: 'true' }],
    siteIds: [2],
  }
  assert.deepEqual(
    failedCriteria(strict, person, '2026-01-01').map((f) => f.criterion),
    ['age', 'sex', 'bmi', 'healthyVolunteers', 'answer', 'site'],
  )
  const edges: Criteria = { ...open, minAge: 35, maxAge: 35, minBmi: '22.5', maxBmi: '22.5' }
  assert.deepEqual(failedCriteria(edges, person, '2026-01-01'), [])
})

test('unknown attributes fail the criteria that need them; answers compare without case', () => {
  const unknown: Candidate = {
    ...person,
    dateOfBirth: null,
    heightCm: null,
    healthyVolunteer: null,
    answers: new Map(),
  }
  const c: Criteria = {
    ...open,
    minAge: 18,
    maxBmi: '30',
    healthyVolunteers: true,
    requiredAnswers: [{ questionId: 7, question: 'Q', answer: 'No' }],
  }
  assert.deepEqual(
    failedCriteria(c, unknown, '2026-01-01').map((f) => f.criterion),
    ['age', 'bmi', 'healthyVolunteers', 'answer'],
  )
  assert.deepEqual(failedCriteria(c, { ...person, answers: new Map([[7, 'no']]) }, '2026-01-01'), [])
})
