import type { Kysely } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import { inTransaction } from '../../../db/database.js'
import { nowIso } from '../../../db/columns.js'
import { Conflict, ErrorList, NotFound } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/service.js'
import { optionsOf, type AnswerType } from '../answers.js'
import { CatalogRepository, type QuestionRow } from './repository.js'
import { isUniqueViolation } from '../../../db/errors.js'
import type { Question, QuestionInput } from './schemas.js'

function questionOf(q: QuestionRow): Question {
  return {
    questionId: q.id,
    text: q.text,
    answerType: q.answer_type as AnswerType,
    options: optionsOf(q),
    siteId: q.site_id,
    required: q.required === 1,
  }
}

/** The tenant's volunteer questions: exact text, answer type, options, site-specific or not, mandatory or not. */
export class QuestionsService {
  readonly catalog: CatalogRepository

  constructor(private readonly db: Kysely<DB>) {
    this.catalog = new CatalogRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): QuestionsService {
    return new QuestionsService(ctx.db)
  }

  async listQuestions(tenantId: number): Promise<Question[]> {
    return (await this.catalog.questions(tenantId)).map(questionOf)
  }

  private async checkQuestion(tenantId: number, input: QuestionInput): Promise<void> {
    const errors = new ErrorList()
    // Another tenant's site is as unknown as a site that does not exist.
    if (input.siteId != null && !(await this.catalog.tenantSiteIds(tenantId)).includes(input.siteId))
      errors.add('/body/siteId', `no site has id ${input.siteId}`, 'unknown')
    const hasOptions = input.options != null
    if (input.answerType === 'choice' && !hasOptions)
      errors.add('/body/options', 'a choice question needs options', 'required')
    if (input.answerType !== 'choice' && hasOptions)
      errors.add('/body/options', 'only a choice question has options', 'unknown')
    errors.throwIfAny()
  }

  private questionRow(input: QuestionInput) {
    return {
      text: input.text,
      answer_type: input.answerType,
      options: input.options == null ? null : JSON.stringify(input.options.map((o) => o.trim())),
      site_id: input.siteId ?? null,
      required: input.required ? 1 : 0,
    }
  }

  async createQuestion(tenantId: number, input: QuestionInput, actor: Actor): Promise<Question> {
    await this.checkQuestion(tenantId, input)
    try {
      return await inTransaction(this.db, async (trx) => {
        const row = { ...this.questionRow(input), tenant_id: tenantId, created_at: nowIso() }
        const id = await this.catalog.insertQuestion(trx, row)
        const question = questionOf({ ...row, id })
        await recordAudit(trx, actor, {
          action: 'recruit.question.create',
          entityType: 'question',
          entityId: id,
          after: question,
        })
        return question
      })
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict('A volunteer question with this exact text already exists')
      throw err
    }
  }

  async updateQuestion(
    tenantId: number,
    questionId: number,
    input: QuestionInput,
    actor: Actor,
  ): Promise<Question> {
    const existing = await this.catalog.findQuestion(tenantId, questionId)
    if (!existing) throw new NotFound(`No volunteer question ${questionId}`)
    await this.checkQuestion(tenantId, input)
    if (input.answerType !== existing.answer_type && (await this.catalog.questionInUse(tenantId, questionId)))
      throw new Conflict(`Question ${questionId} has answers; its answer type cannot change`)
    const row = this.questionRow(input)
    const after = questionOf({ ...existing, ...row })
    try {
      await inTransaction(this.db, async (trx) => {
        await this.catalog.updateQuestion(trx, tenantId, questionId, row)
        const before = questionOf(existing)
        await recordAudit(trx, actor, {
          action: 'recruit.question.update',
          entityType: 'question',
          entityId: questionId,
          before,
          after,
        })
      })
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict('A volunteer question with this exact text already exists')
      throw err
    }
    return after
  }

  async deleteQuestion(tenantId: number, questionId: number, actor: Actor): Promise<void> {
    const existing = await this.catalog.findQuestion(tenantId, questionId)
    if (!existing) throw new NotFound(`No volunteer question ${questionId}`)
    if (await this.catalog.questionInUse(tenantId, questionId))
      throw new Conflict(`Question ${questionId} is answered or required by a study; it cannot be deleted`)
    await inTransaction(this.db, async (trx) => {
      await this.catalog.deleteQuestion(trx, tenantId, questionId)
      await recordAudit(trx, actor, {
        action: 'recruit.question.delete',
        entityType: 'question',
        entityId: questionId,
        before: questionOf(existing),
      })
    })
  }
}
