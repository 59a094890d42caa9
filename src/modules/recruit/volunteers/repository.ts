import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely'
import type { DB } from '../../../db/schema.js'
import type { RecruitVolunteersTable } from '../tables.js'

export type VolunteerRow = Selectable<RecruitVolunteersTable>

export interface DuplicateKeys {
  emailKey: string | null
  nameKey: string
  dateOfBirth: string
}

export interface VolunteerListFilter {
  /** Prefix of the normalised email, or of the first or last name. */
  q?: string | undefined
  siteId?: number | undefined
  /** Site restriction of the caller: only volunteers preferring one of these sites. */
  restrictedTo?: readonly number[] | undefined
  /** Volunteers with an id below this (the cursor). */
  before?: number | undefined
  limit: number
}

/** Normalised email: trimmed, lower case. */
export function emailKeyOf(email: string): string {
  return email.trim().toLowerCase()
}

/** Normalised name: `first|last`, lower case, spaces collapsed, accents kept (NFC). */
export function nameKeyOf(firstName: string, lastName: string): string {
  const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()
  return `${norm(firstName)}|${norm(lastName)}`
}

/** SQL for volunteers and their answers; the tenant id comes first in every method. */
export class VolunteersRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Volunteers that clash with these keys (same email, or same name and birth date), apart from `exceptId`. */
  async findDuplicates(
    tenantId: number,
    keys: DuplicateKeys,
    exceptId?: number,
  ): Promise<{ id: number; email_key: string | null; name_key: string; date_of_birth: string }[]> {
    const select = () =>
      this.db
        .selectFrom('recruit_volunteers')
        .select(['id', 'email_key', 'name_key', 'date_of_birth'])
        .where('tenant_id', '=', tenantId)
        .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId ?? 0))
    // Two index lookups rather than an OR, so each uses its own unique index.
    const byName = await select()
      .where('name_key', '=', keys.nameKey)
      .where('date_of_birth', '=', keys.dateOfBirth)
      .limit(1)
      .execute()
    const byEmail =
      keys.emailKey === null ? [] : await select().where('email_key', '=', keys.emailKey).limit(1).execute()
    return [...byEmail, ...byName]
  }

  insert(db: Kysely<DB>, row: Insertable<RecruitVolunteersTable>): Promise<VolunteerRow> {
    return db.insertInto('recruit_volunteers').values(row).returningAll().executeTakeFirstOrThrow()
  }

  async update(
    db: Kysely<DB>,
    tenantId: number,
    id: number,
    set: Updateable<RecruitVolunteersTable>,
  ): Promise<void> {
    await db
      .updateTable('recruit_volunteers')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute()
  }

  find(tenantId: number, id: number, db: Kysely<DB> = this.db): Promise<VolunteerRow | undefined> {
    return db
      .selectFrom('recruit_volunteers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  answersOf(tenantId: number, volunteerId: number, db: Kysely<DB> = this.db) {
    return db
      .selectFrom('recruit_answers as a')
      .innerJoin('recruit_questions as q', 'q.id', 'a.question_id')
      .select(['a.question_id', 'q.text as question', 'q.answer_type', 'a.answer'])
      .where('a.tenant_id', '=', tenantId)
      .where('a.volunteer_id', '=', volunteerId)
      .orderBy('a.question_id')
      .execute()
  }

  /** Sets these answers (others stay as they are). */
  async putAnswers(
    db: Kysely<DB>,
    tenantId: number,
    volunteerId: number,
    answers: readonly { questionId: number; answer: string }[],
  ): Promise<void> {
    if (answers.length === 0) return
    await db
      .insertInto('recruit_answers')
      .values(
        answers.map((a) => ({
          tenant_id: tenantId,
          volunteer_id: volunteerId,
          question_id: a.questionId,
          answer: a.answer,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['volunteer_id', 'question_id'])
          .doUpdateSet((eb) => ({ answer: eb.ref('excluded.answer') })),
      )
      .execute()
  }

  /** Newest first, keyset-paginated by id. */
  list(tenantId: number, f: VolunteerListFilter): Promise<VolunteerRow[]> {
    let q = this.db.selectFrom('recruit_volunteers').selectAll().where('tenant_id', '=', tenantId)
    if (f.before !== undefined) q = q.where('id', '<', f.before)
    if (f.siteId !== undefined) q = q.where('site_preference_id', '=', f.siteId)
    if (f.restrictedTo !== undefined)
      q = q.where('site_preference_id', 'in', f.restrictedTo.length ? f.restrictedTo : [-1])
    const term = f.q?.trim().toLowerCase()
    if (term) {
      const like = `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      const likes = (col: 'email_key' | 'name_key', pattern: string) =>
        sql<boolean>`${sql.ref(col)} like ${pattern} escape '\\'`
      q = q.where((eb) =>
        eb.or([likes('email_key', like), likes('name_key', like), likes('name_key', `%|${like}`)]),
      )
    }
    return q.orderBy('id', 'desc').limit(f.limit).execute()
  }

  /** The sites a staff user is restricted to; empty = not restricted. */
  async staffSites(tenantId: number, userId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('recruit_staff_sites')
      .select('site_id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .orderBy('site_id')
      .execute()
    return rows.map((r) => r.site_id)
  }

  async setStaffSites(
    db: Kysely<DB>,
    tenantId: number,
    userId: number,
    siteIds: readonly number[],
  ): Promise<void> {
    await db
      .deleteFrom('recruit_staff_sites')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute()
    if (siteIds.length > 0) {
      await db
        .insertInto('recruit_staff_sites')
        .values(siteIds.map((site_id) => ({ tenant_id: tenantId, user_id: userId, site_id })))
        .execute()
    }
  }
}
