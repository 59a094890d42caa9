import type { ErrorList } from '../../errors.js'
import type { QuestionRow } from './staff/repository.js'
import { canonicalAnswer } from './eligibility.js'
import type { Answer } from './partner/schemas.js'

export const ANSWER_TYPES = ['text', 'number', 'yesno', 'choice'] as const
export type AnswerType = (typeof ANSWER_TYPES)[number]

export interface ResolvedAnswer {
  questionId: number
  question: string
  answer: string
}

export function optionsOf(q: QuestionRow): string[] | null {
  return q.options === null ? null : (JSON.parse(q.options) as string[])
}

/** Why `answer` does not fit question `q`, or null when it does. */
export function answerProblem(
  q: QuestionRow,
  answer: string | number | boolean,
): { message: string; rule: string } | null {
  switch (q.answer_type as AnswerType) {
    case 'number':
      return typeof answer === 'number'
        ? null
        : { message: 'must be a number (this question is answered with a number)', rule: 'type' }
    case 'yesno':
      return typeof answer === 'boolean'
        ? null
        : { message: 'must be true or false (a yes/no question)', rule: 'type' }
    case 'choice': {
      if (typeof answer !== 'string')
        return { message: 'must be a string (one of the options)', rule: 'type' }
      const options = optionsOf(q) ?? []
      return options.includes(answer.trim())
        ? null
        : { message: `must be one of: ${options.join(', ')}`, rule: 'enum' }
    }
    default:
      return typeof answer === 'string'
        ? null
        : { message: 'must be a string (a free-text question)', rule: 'type' }
  }
}

/**
 * Checks answers against the tenant's questions: the question text must match a configured question exactly, the
 * answer must have the question's type, and a site-specific question applies only to volunteers of its site.
 * With `requireMandatory`, every mandatory question that applies must be answered.
 */
export function resolveAnswers(
  questions: readonly QuestionRow[],
  answers: readonly Answer[],
  sitePreferenceId: number | null,
  errors: ErrorList,
  options: { basePath: string; requireMandatory: boolean; anySite?: boolean },
): ResolvedAnswer[] {
  const byText = new Map(questions.map((q) => [q.text, q]))
  const resolved: ResolvedAnswer[] = []
  const seen = new Set<number>()
  answers.forEach((a, i) => {
    const path = `${options.basePath}/${i}`
    const q = byText.get(a.question)
    if (!q) {
      errors.add(
        `${path}/question`,
        'matches no configured volunteer question (the text must match exactly)',
        'unknown',
      )
      return
    }
    if (seen.has(q.id)) {
      errors.add(`${path}/question`, 'is answered more than once', 'duplicate')
      return
    }
    seen.add(q.id)
    if (!options.anySite && q.site_id !== null && q.site_id !== sitePreferenceId) {
      errors.add(`${path}/question`, `applies only to volunteers of site ${q.site_id}`, 'site')
      return
    }
    const problem = answerProblem(q, a.answer)
    if (problem) {
      errors.add(`${path}/answer`, problem.message, problem.rule)
      return
    }
    resolved.push({ questionId: q.id, question: q.text, answer: canonicalAnswer(a.answer) })
  })
  if (options.requireMandatory) {
    for (const q of questions) {
      const applies = q.site_id === null || q.site_id === sitePreferenceId
      if (q.required && applies && !seen.has(q.id))
        errors.add(options.basePath, `must answer the question "${q.text}"`, 'required')
    }
  }
  return resolved
}

/** A stored canonical answer back in its question's type. */
export function typedAnswer(q: QuestionRow | undefined, answer: string): string | number | boolean {
  if (q?.answer_type === 'number') return Number(answer)
  if (q?.answer_type === 'yesno') return answer === 'true'
  return answer
}
