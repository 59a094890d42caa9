import type { Kysely } from 'kysely'
import type { AppContext } from '../../context.js'
import { inTransaction } from '../../db/database.js'
import type { DB } from '../../db/schema.js'
import { nowIso } from '../../db/columns.js'
import { isUniqueViolation } from '../../db/errors.js'
import { Conflict, NotFound } from '../../errors.js'
import { decodeCursor, limitOf, pageOf, type Page, type PageQuery } from '../../http/pagination.js'
import { recordAudit, type Actor } from '../audit/service.js'
import { StudiesListing, StudiesRepository, type StudyRow } from './repository.js'
import type { NewStudyBody, Study, StudyPatch } from './schemas.js'

export function studyOf(row: StudyRow): Study {
  return {
    id: row.id,
    protocol: row.protocol,
    name: row.name,
    phase: row.phase,
    sponsor: row.sponsor,
    compound: row.compound,
    status: row.status,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** The ETag of a study's current state. */
export const etagOf = (row: StudyRow): string =>
  `"${row.id}-${Date.parse(row.updated_at).toString(36)}-${row.updated_at.length}"`

export class StudiesService {
  private readonly repo: StudiesRepository
  private readonly listing: StudiesListing

  constructor(private readonly db: Kysely<DB>) {
    this.repo = new StudiesRepository(db)
    this.listing = new StudiesListing(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): StudiesService {
    return new StudiesService(ctx.db)
  }

  async get(tenantId: number, id: number): Promise<StudyRow> {
    const row = await this.repo.findById(tenantId, id)
    if (!row) throw new NotFound(`There is no study ${id}`)
    return row
  }

  async list(tenantId: number, query: PageQuery): Promise<Page<Study>> {
    const limit = limitOf(query)
    const rows = await this.listing.list(tenantId, decodeCursor(query.cursor) ?? 0, limit + 1)
    return pageOf(rows, limit, (r) => r.id, studyOf)
  }

  async create(actor: Actor, body: NewStudyBody): Promise<StudyRow> {
    const tenantId = actor.tenantId
    if (await this.repo.findByProtocol(tenantId, body.protocol)) {
      throw new Conflict(`A study with protocol ${body.protocol} already exists`)
    }
    try {
      const id = await inTransaction(this.db, async (trx) => {
        const id = await this.repo.insert(trx, tenantId, body, nowIso())
        await recordAudit(trx, actor, {
          action: 'studies.create',
          entityType: 'study',
          entityId: id,
          after: body,
        })
        return id
      })
      return await this.get(tenantId, id)
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`A study with protocol ${body.protocol} already exists`)
      throw err
    }
  }

  /** Changes some fields; with `ifMatch`, only if the study is still in that state (else 409). */
  async update(actor: Actor, id: number, patch: StudyPatch, ifMatch?: string): Promise<StudyRow> {
    const tenantId = actor.tenantId
    const current = await this.get(tenantId, id)
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(current)) {
      throw new Conflict(`Study ${id} has changed since you read it (If-Match ${ifMatch}); GET it again`)
    }
    let now = nowIso()
    if (now === current.updated_at) now = new Date(Date.parse(now) + 1).toISOString()
    await inTransaction(this.db, async (trx) => {
      if (!(await this.listing.update(trx, tenantId, id, patch, current.updated_at, now))) {
        throw new Conflict(`Study ${id} was changed by someone else at the same time; GET it again`)
      }
      const before = Object.fromEntries(Object.keys(patch).map((k) => [k, current[k as keyof StudyRow]]))
      await recordAudit(trx, actor, {
        action: 'studies.update',
        entityType: 'study',
        entityId: id,
        before,
        after: patch,
      })
    })
    return this.get(tenantId, id)
  }
}
