/** Eligibility rules: pure functions, shared by matching (which reports failures) and booking (which refuses). */

export type Sex = 'M' | 'F'

interface RequiredAnswer {
  questionId: number
  question: string
  /** Canonical answer text (see `canonicalAnswer`). */
  answer: string
}

export interface Criteria {
  minAge: number | null
  maxAge: number | null
  sex: Sex | null
  /** Decimal text. */
  minBmi: string | null
  maxBmi: string | null
  /** true: healthy volunteers only; false: patients only; null: either. */
  healthyVolunteers: boolean | null
  requiredAnswers: readonly RequiredAnswer[]
  /** The siteIds the study runs at. */
  siteIds: readonly number[]
}

export interface Candidate {
  dateOfBirth: string | null
  sex: Sex | null
  heightCm: number | null
  weightKg: number | null
  healthyVolunteer: boolean | null
  /** question id → canonical answer */
  answers: ReadonlyMap<number, string>
  sitePreferenceId: number | null
}

type CriterionName = 'age' | 'sex' | 'bmi' | 'healthyVolunteers' | 'answer' | 'site'

export interface FailedCriterion {
  criterion: CriterionName
  message: string
}

/** The text an answer is stored and compared as: trimmed strings, numbers in JS notation, `true`/`false`. */
export function canonicalAnswer(answer: string | number | boolean): string {
  return typeof answer === 'string' ? answer.trim() : String(answer)
}

/** Whole years between a `YYYY-MM-DD` birth date and `today` (`YYYY-MM-DD`). */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number]
  let age = ty - by
  if (tm < bm || (tm === bm && td < bd)) age--
  return age
}

/** Body-mass index rounded to one decimal, as clinics quote it. */
export function bmiOf(heightCm: number, weightKg: number): number {
  const m = heightCm / 100
  return Math.round((weightKg / (m * m)) * 10) / 10
}

/** Every criterion the candidate fails; empty means eligible. Unknown attributes fail the criteria that need them. */
export function failedCriteria(criteria: Criteria, candidate: Candidate, today: string): FailedCriterion[] {
  const failed: FailedCriterion[] = []
  if (criteria.minAge !== null || criteria.maxAge !== null) {
    const range = `${criteria.minAge ?? 0}–${criteria.maxAge ?? '∞'}`
    if (candidate.dateOfBirth === null) {
      failed.push({ criterion: 'age', message: `age ${range} required; date of birth not given` })
    } else {
      const age = ageOn(candidate.dateOfBirth, today)
      if (
        (criteria.minAge !== null && age < criteria.minAge) ||
        (criteria.maxAge !== null && age > criteria.maxAge)
      )
        failed.push({ criterion: 'age', message: `age ${age} is outside ${range}` })
    }
  }
  if (criteria.sex !== null && candidate.sex !== criteria.sex) {
    failed.push({ criterion: 'sex', message: `the study enrols sex ${criteria.sex} only` })
  }
  if (criteria.minBmi !== null || criteria.maxBmi !== null) {
    const range = `${criteria.minBmi ?? '0'}–${criteria.maxBmi ?? '∞'}`
    if (candidate.heightCm === null || candidate.weightKg === null) {
      failed.push({ criterion: 'bmi', message: `BMI ${range} required; height and weight not given` })
    } else {
      const bmi = bmiOf(candidate.heightCm, candidate.weightKg)
      if (
        (criteria.minBmi !== null && bmi < Number(criteria.minBmi)) ||
        (criteria.maxBmi !== null && bmi > Number(criteria.maxBmi))
      )
        failed.push({ criterion: 'bmi', message: `BMI ${bmi} is outside ${range}` })
    }
  }
  if (criteria.healthyVolunteers !== null && candidate.healthyVolunteer !== criteria.healthyVolunteers) {
    failed.push({
      criterion: 'healthyVolunteers',
      message: criteria.healthyVolunteers
        ? 'the study enrols healthy volunteers only'
        : 'the study enrols patients only',
    })
  }
  for (const required of criteria.requiredAnswers) {
    const given = candidate.answers.get(required.questionId)
    if (given === undefined || given.toLowerCase() !== required.answer.toLowerCase()) {
      failed.push({
        criterion: 'answer',
        message: `"${required.question}" must be answered "${required.answer}"`,
      })
    }
  }
  if (candidate.sitePreferenceId !== null && !criteria.siteIds.includes(candidate.sitePreferenceId)) {
    failed.push({
      criterion: 'site',
      message: `the study does not run at site ${candidate.sitePreferenceId}`,
    })
  }
  return failed
}
