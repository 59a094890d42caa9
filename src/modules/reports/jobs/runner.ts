import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { FastifyBaseLogger } from 'fastify'
import type { AppContext } from '../../../context.js'
import { DomainError } from '../../../errors.js'
import type { Actor } from '../../audit/service.js'
import { isRoleAction } from '../../identity/actions.js'
import { IdentityRepository } from '../../identity/repository.js'
import type { ReportFormat } from '../catalogue.js'
import { JobRepository, type JobRow } from './repository.js'
import type { InvokeInput } from '../params.js'
import type { ReportService } from '../service.js'

/** A result is stored in pieces of about this size. */
const CHUNK_BYTES = 1024 * 1024

/**
 * Runs report jobs from the database on this instance, beside interactive reports and within the same
 * concurrency slots. Any instance may claim any job; a job whose instance stops heart-beating is re-run elsewhere;
 * results live in the database so every instance can serve them, until they expire.
 */
export class ReportJobRunner {
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  readonly jobs: JobRepository
  private timer: NodeJS.Timeout | undefined
  private ticking = false
  private stopping = false
  private readonly running = new Map<number, { abort: () => void; done: Promise<void> }>()

  constructor(
    private readonly ctx: AppContext,
    private readonly service: ReportService,
    private readonly log: FastifyBaseLogger,
  ) {
    this.jobs = new JobRepository(ctx.database)
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.tick(), this.ctx.config.reportJobPollMs)
    this.timer.unref()
  }

  /** Stops claiming, aborts this instance's jobs and hands them back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    for (const job of this.running.values()) job.abort()
    await Promise.allSettled([...this.running.values()].map((j) => j.done))
    await this.jobs.release(this.instance).catch((err: unknown) => {
      this.log.warn({ err }, 'could not hand report jobs back to the queue')
    })
  }

  /** One polling round: expire old results, then claim jobs while slots are free. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return
    this.ticking = true
    try {
      const now = Date.now()
      const staleBefore = new Date(now - this.ctx.config.reportJobStaleMs).toISOString()
      await this.jobs.sweep(new Date(now).toISOString(), staleBefore)
      while (!this.stopping) {
        const release = this.service.slots.tryAcquire()
        if (!release) break
        const job = await this.jobs
          .claim(this.instance, new Date().toISOString(), staleBefore)
          .catch((err: unknown) => {
            release()
            throw err
          })
        if (!job) {
          release()
          break
        }
        let aborted = false
        let abortStream: () => void = () => undefined
        const done = this.run(
          job,
          release,
          (f) => (abortStream = f),
          () => aborted,
        ).finally(() => {
          this.running.delete(job.id)
        })
        this.running.set(job.id, {
          abort: () => {
            aborted = true
            abortStream()
          },
          done,
        })
      }
    } catch (err) {
      this.log.error({ err }, 'report job polling failed')
    } finally {
      this.ticking = false
    }
  }

  private async run(
    job: JobRow,
    release: () => void,
    onAbort: (abort: () => void) => void,
    aborted: () => boolean,
  ): Promise<void> {
    const actor: Actor = {
      tenantId: job.tenant_id,
      kind: 'user',
      userId: job.user_id,
      tokenId: job.token_id,
      requestId: null,
    }
    let rows = 0
    const state = { lost: false }
    const heartbeat = setInterval(
      () => {
        void this.jobs.heartbeat(job.id, this.instance, new Date().toISOString(), rows).then(
          (ours) => {
            if (!ours) state.lost = true
          },
          (err: unknown) => {
            this.log.warn({ err, jobId: job.id }, 'report job heartbeat failed')
          },
        )
      },
      Math.max(50, Math.floor(this.ctx.config.reportJobStaleMs / 3)),
    )
    heartbeat.unref()
    try {
      await this.jobs.clearChunks(job.id)
      const identity = new IdentityRepository(this.ctx.db)
      const actions = new Set((await identity.actionsOfUser(job.tenant_id, job.user_id)).filter(isRoleAction))
      const input = { ...(JSON.parse(job.parameters) as InvokeInput), format: job.format as ReportFormat }
      const resolved = await this.service.resolve(actor, actions, input)
      const out = await this.service.open(resolved, (n) => (rows = n), release)
      onAbort(() => out.stream.destroy())
      let seq = 0
      let size = 0
      let pending: Buffer[] = []
      let pendingBytes = 0
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return
        const data = Buffer.concat(pending)
        pending = []
        pendingBytes = 0
        if (
          !(await this.jobs.appendChunk(job.id, this.instance, seq++, data, rows, new Date().toISOString()))
        ) {
          state.lost = true
        }
      }
      for await (const piece of out.stream) {
        const buf = typeof piece === 'string' ? Buffer.from(piece) : (piece as Buffer)
        pending.push(buf)
        pendingBytes += buf.length
        size += buf.length
        if (pendingBytes >= CHUNK_BYTES) await flush()
        if (state.lost || aborted()) {
          out.stream.destroy()
          break
        }
      }
      if (state.lost || aborted()) return
      await flush()
      const result = await out.finished
      const now = new Date()
      const finished = await this.jobs.finish(job.id, this.instance, {
        status: 'succeeded',
        rows: result.rows,
        error: null,
        media_type: out.mediaType,
        filename: out.filename,
        size_bytes: size,
        finished_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.ctx.config.reportResultTtlMs).toISOString(),
      })
      if (finished) await this.service.audit(actor, resolved, result, 'job', job.id)
    } catch (err) {
      release()
      if (aborted()) return
      const message = err instanceof DomainError ? err.message : 'the report failed; see the server log'
      if (!(err instanceof DomainError)) this.log.error({ err, jobId: job.id }, 'report job failed')
      const now = new Date()
      await this.jobs
        .finish(job.id, this.instance, {
          status: 'failed',
          rows,
          error: message,
          media_type: null,
          filename: null,
          size_bytes: null,
          finished_at: now.toISOString(),
          expires_at: new Date(now.getTime() + this.ctx.config.reportResultTtlMs).toISOString(),
        })
        .catch((e: unknown) => {
          this.log.error({ err: e, jobId: job.id }, 'could not record a failed report job')
        })
    } finally {
      clearInterval(heartbeat)
    }
  }
}
