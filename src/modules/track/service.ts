import type { AppContext } from '../../context.js'
import type { Kysely } from 'kysely'
import { inTransaction, type Database } from '../../db/database.js'
import type { DB } from '../../db/schema.js'
import { Conflict, NotFound } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/service.js'
import { loadModel, representation, ROOT_NAMES, type TrackModel } from './model.js'
import { toJsonText } from './render.js'
import { xmlDocument } from '../../http/xml.js'
import { PlansRepository, sqliteTokenReader, type TrackResource } from '../plans/repository.js'
import { validatePost, type PeriodChange } from './validate.js'

export type TrackFormat = 'json' | 'xml'

export interface Rendered {
  lockToken: number
  bytes: Buffer
}

/**
 * Serialised representations by plan, resource and format, valid while their lockToken is current. An entry also
 * remembers the data version (see `Reading`) under which its token was last read from the database: while the
 * database's data version is still that, nothing has been committed since and the token is still current.
 */
class RenderCache {
  private readonly entries = new Map<string, Rendered & { confirmedAt: number | undefined }>()
  private size = 0
  constructor(private readonly maxBytes: number) {}

  /** The entry whose token was read under this data version, if any: current without asking the database. */
  current(key: string, dataVersion: number | undefined): Rendered | undefined {
    if (dataVersion === undefined) return undefined
    const hit = this.entries.get(key)
    return hit?.confirmedAt === dataVersion ? hit : undefined
  }

  /** The entry for this token, now confirmed under `dataVersion` (undefined: not confirmed). */
  get(key: string, lockToken: number, dataVersion: number | undefined): Rendered | undefined {
    const hit = this.entries.get(key)
    if (hit?.lockToken !== lockToken) return undefined
    hit.confirmedAt = dataVersion
    return hit
  }

  set(key: string, value: Rendered, dataVersion: number | undefined): void {
    this.delete(key)
    if (value.bytes.length > this.maxBytes) return
    this.entries.set(key, { ...value, confirmedAt: dataVersion })
    this.size += value.bytes.length
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.maxBytes) break
      this.entries.delete(oldest)
      this.size -= entry.bytes.length
    }
  }

  private delete(key: string): void {
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.size -= old.bytes.length
    }
  }
}

function render(model: TrackModel, lockToken: number, format: TrackFormat): Buffer {
  const rep = representation(model, lockToken)
  return Buffer.from(format === 'xml' ? xmlDocument(rep) : toJsonText(rep), 'utf8')
}

/** The next lockToken: a millisecond timestamp, always greater than the one it replaces. */
function nextLockToken(current: number): number {
  return Math.max(Date.now(), current + 1)
}

function applyChanges(model: TrackModel, changes: readonly PeriodChange[]): void {
  const byId = new Map(changes.map((c) => [c.id, c]))
  for (const rows of model.periods.values()) {
    for (const row of rows) {
      const c = byId.get(row.id)
      if (!c) continue
      row.actual_value = c.after.actual
      if ('earned_value' in row && c.after.earned !== undefined) row.earned_value = c.after.earned
    }
  }
}

/** Reads and writes the actuals of baseline plans (the Track API), for any surface. */
export class TrackService {
  readonly repo: PlansRepository
  private readonly db: Kysely<DB>
  private readonly cache = new RenderCache(64 * 1024 * 1024)

  /**
   * The token lookup every GET makes; on SQLite one prepared statement (no query building per request). It reads
   * the shared connection outside Kysely's mutex, so it may see a write's token before that write commits: `get`
   * re-reads the token after loading the values and retries on a change, so a token is only ever shown with
   * the values it belongs to.
   */
  private readonly tokenOf: (
    tenantId: number,
    planId: number,
    resource: TrackResource,
  ) => Promise<number | undefined>
  /**
   * Whether a write is under way on the shared SQLite connection: then the token lookup may see what that write
   * has not committed (and may yet roll back), so what it reads is not remembered as of a data version.
   */
  private readonly writing: () => boolean

  constructor(database: Database) {
    this.db = database.db
    this.repo = new PlansRepository(database.db)
    const raw = database.raw
    this.tokenOf =
      raw.kind === 'sqlite'
        ? sqliteTokenReader(raw.sqlite)
        : (tenantId, planId, resource) => this.repo.lockTokenOf(tenantId, planId, resource)
    this.writing = raw.kind === 'sqlite' ? () => raw.sqlite.inTransaction : () => false
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): TrackService {
    return new TrackService(ctx.database)
  }

  private async currentToken(tenantId: number, planId: number, resource: TrackResource): Promise<number> {
    const token = await this.tokenOf(tenantId, planId, resource)
    if (token === undefined) throw new NotFound(`There is no baseline plan ${planId}`)
    return token
  }

  /**
   * The representation of a resource: cached bytes while their lockToken is current. `dataVersion` is the
   * request's reading of the database (`readingOf(request).data`): when the cached token was read under that very
   * version, nothing has been committed since and the database is not asked again; otherwise one token query.
   */
  async get(
    tenantId: number,
    planId: number,
    resource: TrackResource,
    format: TrackFormat,
    dataVersion: number | undefined,
  ): Promise<Rendered> {
    const key = `${tenantId}/${planId}/${resource}/${format}`
    const current = this.cache.current(key, dataVersion)
    if (current) return current
    for (;;) {
      // Taken before the token is read (the lookup itself runs at once, on this turn).
      const readUnder = this.writing() ? undefined : dataVersion
      const lockToken = await this.currentToken(tenantId, planId, resource)
      const hit = this.cache.get(key, lockToken, readUnder)
      if (hit) return hit
      const model = await loadModel(this.repo, this.db, tenantId, planId, resource)
      // A write that committed while the model was read changed the token: read again, so the token and
      // the values shown always belong together.
      if ((await this.currentToken(tenantId, planId, resource)) !== lockToken) continue
      const rendered = { lockToken, bytes: render(model, lockToken, format) }
      this.cache.set(key, rendered, readUnder)
      return rendered
    }
  }

  /**
   * Applies a POSTed representation: the lockToken must be the current one; every problem is reported at
   * once and nothing is written unless all is valid; the token swap and the writes commit together.
   */
  async post(
    actor: Actor,
    planId: number,
    resource: TrackResource,
    body: unknown,
    format: TrackFormat,
  ): Promise<Rendered> {
    const tenantId = actor.tenantId
    const current = await this.currentToken(tenantId, planId, resource)
    const url = `/cleartrial-ws/actuals/${planId}/${resource}`
    const root = ROOT_NAMES[resource]
    const model = await loadModel(this.repo, this.db, tenantId, planId, resource)
    const sent = lockTokenIn(body, root)
    if (sent === 'no-root') validatePost(model, body) // reports the missing representation
    if (sent === undefined || sent === 'no-root') {
      throw new Conflict(
        `The lockToken is missing: GET ${url} again and send its ${root}.lockToken with your changes`,
      )
    }
    if (sent !== current) throw stale(url)
    const { changes } = validatePost(model, body)
    const next = nextLockToken(sent)
    await inTransaction(this.db, async (trx) => {
      if (!(await this.repo.swapLockToken(trx, tenantId, planId, resource, sent, next))) throw stale(url)
      if (model.kind === 'weekly') {
        await this.repo.updateWeeklyActuals(
          trx,
          tenantId,
          planId,
          changes.map((c) => ({ id: c.id, actual: c.after.actual })),
        )
      } else {
        await this.repo.updateMonthlyActuals(
          trx,
          tenantId,
          planId,
          changes.map((c) => ({ id: c.id, actual: c.after.actual, earned: c.after.earned ?? null })),
        )
      }
      await recordAudit(trx, actor, {
        action: 'track.actuals.update',
        entityType: `plan.${resource}`,
        entityId: planId,
        before: { lockToken: sent, periods: changes.map((c) => ({ ...c.where, ...c.before })) },
        after: { lockToken: next, periods: changes.map((c) => ({ ...c.where, ...c.after })) },
      })
    })
    applyChanges(model, changes)
    const rendered = { lockToken: next, bytes: render(model, next, format) }
    this.cache.set(`${tenantId}/${planId}/${resource}/${format}`, rendered, undefined)
    return rendered
  }
}

function stale(url: string): Conflict {
  return new Conflict(
    `The lockToken is stale: these actuals have changed since your GET. GET ${url} again for the current data and lockToken, then re-apply your changes`,
  )
}

/** The lockToken a body carries (a number, or digits as text), or undefined. */
function lockTokenIn(body: unknown, root: string): number | undefined | 'no-root' {
  if (typeof body !== 'object' || body === null) return 'no-root'
  const rep = (body as Record<string, unknown>)[root]
  if (typeof rep !== 'object' || rep === null) return 'no-root'
  const token = (rep as Record<string, unknown>).lockToken
  if (typeof token === 'number' && Number.isSafeInteger(token)) return token
  if (typeof token === 'string' && /^\d{1,16}$/.test(token)) return Number(token)
  return undefined
}
