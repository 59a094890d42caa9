import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { AppContext } from '../../context.js'
import type { Database } from '../../db/database.js'
import type { DB } from '../../db/schema.js'
import { TooManyRequests } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/service.js'
import type { RoleAction } from '../identity/actions.js'
import { REPORTS, type ReportInfo, type ReportFormat } from './catalogue.js'
import {
  csvChunks,
  jsonChunks,
  REPORT_EXTENSIONS,
  REPORT_MEDIA_TYPES,
  streamOf,
  xlsxStream,
  xmlChunks,
  type Progress,
} from './formats/tabular.js'
import { recruitmentFunnelTable } from './producers/funnel.js'
import { trackPerformanceTable } from './producers/track-performance.js'
import { odmChunks } from './formats/odm.js'
import { VERSION } from '../../version.js'
import {
  columnDef,
  exportColumns,
  profileByScan,
  transferProfile,
  type ExportColumn,
  type Profile,
} from './formats/columns.js'
import { datasetJsonChunks, datasetNdjsonChunks } from './formats/dataset-json.js'
import { checkXpt, xptChunks } from './formats/xpt-report.js'
import type { Catalogue } from './schemas.js'
import { requiredAction, resolveReport, type InvokeInput, type ResolvedReport } from './params.js'
import {
  loadDimensions,
  subjectsTable,
  transferTable,
  visitCompletionTable,
  type Cell,
  type Dimensions,
  type Table,
} from './producers/conduct.js'
import { ReportSource, type Snapshot } from './producers/source.js'

export interface ReportOutput {
  mediaType: string
  filename: string
  stream: Readable
  /** Settles when the output has ended (completed) or was abandoned (the reader went away, or an error). */
  finished: Promise<{ rows: number; completed: boolean }>
}

/** At most `size` reports run at once on this instance; interactive requests are never queued behind them. */
export class Slots {
  private used = 0
  constructor(readonly size: number) {}
  get free(): number {
    return this.size - this.used
  }
  tryAcquire(): (() => void) | undefined {
    if (this.used >= this.size) return undefined
    this.used++
    let released = false
    return () => {
      if (!released) {
        released = true
        this.used--
      }
    }
  }
}

function reportFilename(r: ResolvedReport, at = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const study = r.study.protocol.replace(/[^A-Za-z0-9._-]+/g, '_')
  return `${r.info.name}_${study}_${stamp}.${REPORT_EXTENSIONS[r.params.format]}`
}

/** Runs reports: checks parameters and rights, reads a snapshot, streams it in the asked format, audits the run. */
export class ReportService {
  readonly source: ReportSource
  readonly slots: Slots

  private readonly db: Kysely<DB>

  /** `concurrency`: how many reports run at once (REPORT_CONCURRENCY). */
  constructor(database: Database, concurrency: number) {
    this.db = database.db
    this.slots = new Slots(concurrency)
    this.source = new ReportSource(database, concurrency + 1)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): ReportService {
    return new ReportService(ctx.database, ctx.config.reportConcurrency)
  }

  async catalogue(tenantId: number): Promise<Catalogue['reports']> {
    const reports = await Promise.all(
      REPORTS.map(async (r): Promise<ReportInfo> => ({
        ...r,
        action: await requiredAction(this.db, tenantId, r),
      })),
    )
    return reports as unknown as Catalogue['reports']
  }

  resolve(
    actor: Actor,
    actions: ReadonlySet<RoleAction> | 'all',
    input: InvokeInput,
    defaultFormat?: ReportFormat,
  ): Promise<ResolvedReport> {
    return resolveReport(this.db, actor, actions, input, defaultFormat)
  }

  /**
   * What a job's run would refuse, found at submission: an XPT run whose text the format cannot hold (422). The
   * other checks need no data; this one reads the run's profile (one aggregate query for transfer).
   */
  async precheck(r: ResolvedReport): Promise<void> {
    if (r.params.format !== 'xpt' || r.params.truncate) return
    const snap = await this.source.snapshot()
    try {
      const db = this.db
      const dims =
        r.info.name === 'transfer' || r.info.name === 'visit-completion'
          ? await loadDimensions(db, snap, r)
          : undefined
      const { table } = await this.tables(r, snap, dims)
      const { columns, profile } = await this.profile(r, snap, dims, table)
      checkXpt(columns, profile, false)
    } finally {
      await snap.close()
    }
  }

  /**
   * What XPT and Dataset-JSON need before the first byte (XPT the text lengths, Dataset-JSON `records`): the
   * transfer report gets it from one aggregate query, the others from a first read of their rows.
   */
  private async profile(
    r: ResolvedReport,
    snap: Snapshot,
    dims: Dimensions | undefined,
    table: () => Table,
  ): Promise<{ columns: ExportColumn[]; profile: Profile }> {
    const { columns } = table()
    const profile =
      r.info.name === 'transfer'
        ? await transferProfile(this.db, snap, r, dims ?? never(), columns)
        : await profileByScan(table())
    return { columns: exportColumns(columns, profile, r.info), profile }
  }

  /** A maker of fresh tables of the run (each read once); track-performance's rows are made here, once. */
  private async tables(
    r: ResolvedReport,
    snap: Snapshot,
    dims: Dimensions | undefined,
  ): Promise<{ table: () => Table }> {
    const db = this.db
    const performance = r.info.name === 'track-performance' ? await trackPerformanceTable(db, r) : undefined
    // Its rows are made once, in memory (a few dozen), so the table can be read twice like the others.
    const performanceRows = performance ? await collect(performance) : []
    const table = (): Table =>
      (performance && { columns: performance.columns, batches: replay(performanceRows) }) ??
      (r.info.name === 'subjects'
        ? subjectsTable(db, snap, r)
        : r.info.name === 'recruitment-funnel'
          ? recruitmentFunnelTable(db, snap, r)
          : r.info.name === 'visit-completion'
            ? visitCompletionTable(db, snap, r, dims ?? never())
            : transferTable(db, snap, r, dims ?? never()))
    return { table }
  }

  /** Starts producing the report; throws TooManyRequests when every slot is busy. */
  async open(
    r: ResolvedReport,
    onRows?: (rows: number) => void,
    release?: () => void,
  ): Promise<ReportOutput> {
    const free = release ?? this.slots.tryAcquire()
    if (!free) {
      const err = new TooManyRequests(
        `${this.slots.size} reports are running on this instance; retry shortly or submit a job (POST /api/v1/reports/jobs)`,
      )
      err.headers['Retry-After'] = '5'
      throw err
    }
    let snap: Snapshot
    try {
      snap = await this.source.snapshot()
    } catch (err) {
      free()
      throw err
    }
    const progress: Progress = { rows: 0, ...(onRows ? { onBatch: onRows } : {}) }
    let settle: (v: { rows: number; completed: boolean }) => void = () => undefined
    const finished = new Promise<{ rows: number; completed: boolean }>((resolve) => (settle = resolve))
    let closed = false
    const cleanup = async (completed: boolean): Promise<void> => {
      if (closed) return
      closed = true
      try {
        await snap.close()
      } finally {
        free()
        settle({ rows: progress.rows, completed })
      }
    }
    try {
      const db = this.db
      const needsDims = r.info.name === 'transfer' || r.info.name === 'visit-completion'
      const dims = needsDims ? await loadDimensions(db, snap, r) : undefined
      const { table } = await this.tables(r, snap, dims)
      const created = new Date()
      const filename = reportFilename(r, created)
      const mediaType = REPORT_MEDIA_TYPES[r.params.format]
      if (r.params.format === 'xlsx') {
        const t = table()
        const types = t.columns.map((c) => columnDef(c, r.info.name))
        const { stream, done } = xlsxStream(t, r.info.name, progress, types)
        done.then(
          () => cleanup(true),
          () => cleanup(false),
        )
        return { mediaType, filename, stream, finished }
      }
      const format = r.params.format
      let submission: AsyncGenerator<string | Buffer> | undefined
      if (format === 'xpt' || format === 'dataset-json' || format === 'dataset-ndjson') {
        const { columns, profile } = await this.profile(r, snap, dims, table)
        const t = table()
        const meta = {
          dataset: r.info.dataset,
          label: r.info.title,
          study: r.study.protocol,
          report: r.info.name,
          records: profile.records,
          created,
          version: VERSION,
          truncate: r.params.truncate,
        }
        if (format === 'xpt') checkXpt(columns, profile, r.params.truncate)
        submission =
          format === 'xpt'
            ? xptChunks(t, columns, meta, progress)
            : format === 'dataset-json'
              ? datasetJsonChunks(t, columns, meta, progress)
              : datasetNdjsonChunks(t, columns, meta, progress)
      }
      const chunks =
        submission ??
        (r.params.format === 'odm'
          ? odmChunks(db, snap, r, dims ?? never(), progress)
          : r.params.format === 'json'
            ? jsonChunks(table(), progress)
            : r.params.format === 'xml'
              ? xmlChunks(table(), { report: r.info.name, study: r.study.protocol }, progress)
              : csvChunks(table(), r.params.delimiter, progress))
      let started = false
      async function* guarded(): AsyncGenerator<string | Buffer> {
        started = true
        let completed = false
        try {
          yield* chunks
          completed = true
        } finally {
          await cleanup(completed)
        }
      }
      const stream = streamOf(guarded())
      // A stream destroyed before its first read never enters guarded(): release its snapshot here.
      stream.on('close', () => {
        if (!started) void cleanup(false)
      })
      return { mediaType, filename, stream, finished }
    } catch (err) {
      await cleanup(false)
      throw err
    }
  }

  /** Every run is audited: who, which report, which parameters, how many rows, whether it completed. */
  async audit(
    actor: Actor,
    r: ResolvedReport,
    result: { rows: number; completed: boolean },
    via: 'invokeReport' | 'job',
    jobId?: number,
  ): Promise<void> {
    await recordAudit(this.db, actor, {
      action: 'report.run',
      entityType: 'study',
      entityId: r.study.id,
      after: {
        report: r.info.name,
        parameters: r.params,
        rows: result.rows,
        completed: result.completed,
        via,
        ...(jobId !== undefined ? { jobId } : {}),
      },
    })
  }

  async close(): Promise<void> {
    await this.source.close()
  }
}

async function collect(table: Table): Promise<Cell[][]> {
  const rows: Cell[][] = []
  for await (const batch of table.batches) rows.push(...batch)
  return rows
}

async function* replay(rows: Cell[][]): AsyncGenerator<Cell[][]> {
  yield rows
}

function never(): never {
  throw new Error('report dimensions were not loaded')
}
