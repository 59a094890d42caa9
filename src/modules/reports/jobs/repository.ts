import type { ExpressionBuilder, Kysely, Selectable } from 'kysely'
import type { Database } from '../../../db/database.js'
import type { DB } from '../../../db/schema.js'
import type { ReportJobsTable } from '../tables.js'

export type JobRow = Selectable<ReportJobsTable>

/** A job whose instance died this many times is given up (failed) rather than re-run again. */
export const MAX_ATTEMPTS = 3

type JobsEb = ExpressionBuilder<DB, 'report_jobs'>

/** Queued, or running under a claim whose heartbeat stopped before `staleBefore` (its instance died). */
const runnable = (staleBefore: string) => (eb: JobsEb) =>
  eb.and([
    eb.or([
      eb('status', '=', 'queued'),
      eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)]),
    ]),
    eb('attempts', '<', MAX_ATTEMPTS),
  ])

/** SQL for report jobs and their stored results. Tenant first wherever a caller reads a job. */
export class JobRepository {
  private readonly db: Kysely<DB>
  constructor(private readonly database: Database) {
    this.db = database.db
  }

  async insert(
    job: Pick<JobRow, 'tenant_id' | 'user_id' | 'token_id' | 'report_name' | 'parameters' | 'format'>,
    now: string,
  ): Promise<number> {
    const row = await this.db
      .insertInto('report_jobs')
      .values({ ...job, status: 'queued', rows: 0, attempts: 0, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  find(tenantId: number, id: number): Promise<JobRow | undefined> {
    return this.db
      .selectFrom('report_jobs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  /**
   * Claims the oldest runnable job for `instance`. PostgreSQL: one UPDATE over a `FOR UPDATE SKIP LOCKED` pick,
   * so instances never wait on each other; SQLite: a conditional UPDATE that only one writer can win.
   */
  async claim(instance: string, now: string, staleBefore: string): Promise<JobRow | undefined> {
    const claim = this.db.updateTable('report_jobs').set((eb) => ({
      status: 'running',
      claimed_by: instance,
      heartbeat_at: now,
      started_at: now,
      rows: 0,
      error: null,
      attempts: eb('attempts', '+', 1),
    }))
    if (this.database.dialect === 'postgres') {
      return claim
        .where('id', '=', (eb) =>
          eb
            .selectFrom('report_jobs as pick')
            .select('pick.id')
            .where((p) =>
              p.and([
                p.or([
                  p('pick.status', '=', 'queued'),
                  p.and([p('pick.status', '=', 'running'), p('pick.heartbeat_at', '<', staleBefore)]),
                ]),
                p('pick.attempts', '<', MAX_ATTEMPTS),
              ]),
            )
            .orderBy('pick.id')
            .limit(1)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .executeTakeFirst()
    }
    const ids = await this.db
      .selectFrom('report_jobs')
      .select('id')
      .where(runnable(staleBefore))
      .orderBy('id')
      .limit(5)
      .execute()
    for (const { id } of ids) {
      const claimed = await claim
        .where('id', '=', id)
        .where(runnable(staleBefore))
        .returningAll()
        .executeTakeFirst()
      if (claimed) return claimed
    }
    return undefined
  }

  /** Still ours? Records progress and the heartbeat; false when another instance has taken the job over. */
  async heartbeat(
    id: number,
    instance: string,
    now: string,
    rows: number,
    db: Kysely<DB> = this.db,
  ): Promise<boolean> {
    const r = await db
      .updateTable('report_jobs')
      .set({ heartbeat_at: now, rows })
      .where('id', '=', id)
      .where('claimed_by', '=', instance)
      .where('status', '=', 'running')
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  /** Appends a piece of the result, only while the claim is still ours. */
  async appendChunk(
    id: number,
    instance: string,
    seq: number,
    data: Uint8Array,
    rows: number,
    now: string,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.heartbeat(id, instance, now, rows, trx))) return false
      await trx.insertInto('report_job_chunks').values({ job_id: id, seq, data }).execute()
      return true
    })
  }

  async clearChunks(id: number): Promise<void> {
    await this.db.deleteFrom('report_job_chunks').where('job_id', '=', id).execute()
  }

  async finish(
    id: number,
    instance: string,
    set: Pick<
      JobRow,
      'status' | 'rows' | 'error' | 'media_type' | 'filename' | 'size_bytes' | 'finished_at' | 'expires_at'
    >,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('report_jobs')
      .set({ ...set, claimed_by: null })
      .where('id', '=', id)
      .where('claimed_by', '=', instance)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  /** On a graceful stop: hand this instance's running jobs back to the queue at once. */
  async release(instance: string): Promise<void> {
    await this.db
      .updateTable('report_jobs')
      .set((eb) => ({
        status: 'queued',
        claimed_by: null,
        heartbeat_at: null,
        attempts: eb('attempts', '-', 1),
      }))
      .where('claimed_by', '=', instance)
      .where('status', '=', 'running')
      .execute()
  }

  /** Gives up jobs whose instances died too often; removes results past their expiry. */
  async sweep(now: string, staleBefore: string): Promise<void> {
    await this.db
      .updateTable('report_jobs')
      .set({
        status: 'failed',
        error: 'the instances running this job stopped repeatedly',
        finished_at: now,
        claimed_by: null,
      })
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', staleBefore)
      .where('attempts', '>=', MAX_ATTEMPTS)
      .execute()
    const expired = await this.db
      .selectFrom('report_jobs')
      .select('id')
      .where('status', 'in', ['succeeded', 'failed'])
      .where('expires_at', '<', now)
      .limit(100)
      .execute()
    for (const { id } of expired) {
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('report_job_chunks').where('job_id', '=', id).execute()
        await trx.updateTable('report_jobs').set({ status: 'expired' }).where('id', '=', id).execute()
      })
    }
  }

  /** One piece of a result (pieces are read one at a time, so serving a result takes little memory). */
  async chunk(id: number, seq: number): Promise<Uint8Array | undefined> {
    const row = await this.db
      .selectFrom('report_job_chunks')
      .select('data')
      .where('job_id', '=', id)
      .where('seq', '=', seq)
      .executeTakeFirst()
    return row?.data
  }
}
