import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import QueryStream from 'pg-query-stream'
import type { CompiledQuery } from 'kysely'
import { openSqlite, type Database } from '../../../db/database.js'

/** Rows as arrays of column values, in the order the query selects them. */
export type RawRow = unknown[]

/**
 * A consistent, read-only view of the database for one report run, off the paths interactive requests use:
 * - SQLite: its own read-only connection (WAL lets it read beside the writer) in one read transaction; rows come
 *   from a statement iterator in batches, and the event loop gets a turn between batches, so a million-row
 *   report never holds up other requests;
 * - PostgreSQL: a connection from the reports' own pool in a REPEATABLE READ READ ONLY transaction; rows come
 *   through a server-side cursor (pg-query-stream), so only one batch is ever in memory.
 * Either way, a consumer that stops pulling stops the reading: memory stays flat.
 */
export interface Snapshot {
  readonly dialect: 'sqlite' | 'postgres'
  all(query: CompiledQuery): Promise<RawRow[]>
  batches(query: CompiledQuery, batchSize?: number): AsyncGenerator<RawRow[]>
  close(): Promise<void>
}

const BATCH = 500

/**
 * Page cache of a report's own SQLite connection, in KiB. A report reads its pages once, in index order, so a
 * cache only holds pages that are never read again; better-sqlite3's default (16 MB) filled up as the report
 * went on and made the server's memory grow with the result, up to 16 MB per running report.
 */
const REPORT_CACHE_KIB = 2048

class SqliteSnapshot implements Snapshot {
  readonly dialect = 'sqlite'
  private open = true
  constructor(
    private readonly conn: BetterSqlite3.Database,
    private readonly owned: boolean,
  ) {
    if (owned) conn.exec('BEGIN')
  }

  all(query: CompiledQuery): Promise<RawRow[]> {
    const stmt = this.conn.prepare(query.sql).raw(true)
    return Promise.resolve(stmt.all(...(query.parameters as unknown[])) as RawRow[])
  }

  async *batches(query: CompiledQuery, batchSize = BATCH): AsyncGenerator<RawRow[]> {
    const stmt = this.conn.prepare(query.sql).raw(true)
    const iterator = stmt.iterate(...(query.parameters as unknown[])) as IterableIterator<RawRow>
    try {
      for (;;) {
        const batch: RawRow[] = []
        for (let r = iterator.next(); ; r = iterator.next()) {
          if (r.done === true) break
          batch.push(r.value)
          if (batch.length >= batchSize) break
        }
        if (batch.length === 0) return
        yield batch
        await yieldToEventLoop()
        if (batch.length < batchSize) return
      }
    } finally {
      iterator.return?.()
    }
  }

  close(): Promise<void> {
    if (this.open && this.owned) {
      this.open = false
      try {
        this.conn.exec('COMMIT')
      } finally {
        this.conn.close()
      }
    }
    return Promise.resolve()
  }
}

class PostgresSnapshot implements Snapshot {
  readonly dialect = 'postgres'
  private released = false
  constructor(private readonly client: pg.PoolClient) {}

  static async begin(pool: pg.Pool): Promise<PostgresSnapshot> {
    const client = await pool.connect()
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    } catch (err) {
      client.release(err as Error)
      throw err
    }
    return new PostgresSnapshot(client)
  }

  async all(query: CompiledQuery): Promise<RawRow[]> {
    const result = await this.client.query({
      text: query.sql,
      values: query.parameters as unknown[],
      rowMode: 'array',
    })
    return result.rows as RawRow[]
  }

  async *batches(query: CompiledQuery, batchSize = BATCH): AsyncGenerator<RawRow[]> {
    const stream = this.client.query(
      new QueryStream(query.sql, query.parameters as unknown[], { batchSize, rowMode: 'array' }),
    )
    try {
      let batch: RawRow[] = []
      for await (const row of stream) {
        batch.push(row as RawRow)
        if (batch.length >= batchSize) {
          yield batch
          batch = []
        }
      }
      if (batch.length > 0) yield batch
    } finally {
      if (!stream.destroyed) stream.destroy()
    }
  }

  async close(): Promise<void> {
    if (this.released) return
    this.released = true
    try {
      await this.client.query('COMMIT')
      this.client.release()
    } catch (err) {
      this.client.release(err as Error)
    }
  }
}

/** Opens report snapshots on one database; holds the reports' own PostgreSQL pool. */
export class ReportSource {
  private pool: pg.Pool | undefined

  constructor(
    private readonly database: Database,
    private readonly poolSize: number,
  ) {}

  async snapshot(): Promise<Snapshot> {
    const raw = this.database.raw
    if (raw.kind === 'sqlite') {
      // An in-memory database cannot be opened twice: read through the one connection (tests only).
      if (raw.path === ':memory:') return new SqliteSnapshot(raw.sqlite, false)
      const conn = openSqlite(raw.path, true)
      conn.pragma(`cache_size = -${REPORT_CACHE_KIB}`)
      return new SqliteSnapshot(conn, true)
    }
    this.pool ??= new pg.Pool({
      connectionString: raw.connectionString,
      max: this.poolSize,
      ...(raw.schema !== undefined ? { options: `-c search_path=${raw.schema}` } : {}),
      types: { getTypeParser: pgTypeParser },
    })
    return PostgresSnapshot.begin(this.pool)
  }

  async close(): Promise<void> {
    const pool = this.pool
    this.pool = undefined
    await pool?.end()
  }
}

/** int8 → number (ids and counts stay far below 2^53); everything else as pg does by default. */
function pgTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === 20) return (v: string) => Number(v)
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-enum-assignment -- pg's own default
  return pg.types.getTypeParser(oid, format)
}
