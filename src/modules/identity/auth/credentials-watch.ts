import type BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import { openSqlite, type Database } from '../../../db/database.js'
import { CREDENTIALS_CHANNEL } from '../migrations/0007-credentials-epoch.js'

/**
 * Whether anything an authentication result depends on may have changed since it was cached. Results are
 * stamped with `read().epoch` *before* their rows are read; a result is good while its stamp is still the epoch.
 * Changes are seen as follows:
 * - made in this process: `changed()`, called by whoever commits the change, after the commit (or the rollback);
 * - made anywhere else (another instance, the CLI, SQL by hand), through the triggers of migration 0007:
 *   on SQLite at once (every `read()` asks the database, see SqliteWatch); on PostgreSQL as soon as LISTEN/NOTIFY
 *   delivers it, well under a millisecond on one host. `sync()` waits for it.
 */
export interface CredentialsWatch {
  /** The epoch and the data version, from one look at the database (see Reading); a request takes it once. */
  read(): Reading
  /** Something credentials depend on was committed (or rolled back) by this process. */
  changed(): void
  /**
   * Resolves once every change committed before the call is reflected in `read()`. Immediate on SQLite; on
   * PostgreSQL one round trip on the listening connection (notifications are delivered before its answer).
   * For tests and tools; requests never wait for it.
   */
  sync(): Promise<void>
  close(): Promise<void>
}

/** What one look at the database tells (`CredentialsWatch.read`). */
export interface Reading {
  /** The current epoch, or `undefined` when changes elsewhere cannot be seen just now: then do not cache. */
  epoch: number | undefined
  /**
   * A number that moves whenever anything at all is committed to the database, by any connection of any process
   * (SQLite's `PRAGMA data_version` on the watch's own connection). While it stands, nothing read from the
   * database since has changed. Undefined where that cannot be known without a query of its own (PostgreSQL, an
   * in-memory database): then read what you need.
   */
  data: number | undefined
}

/**
 * The request's reading, taken when the request first needs it and kept for the rest of the request: what a
 * request takes from memory (authentication results, Track's lockTokens) is checked against this one look at
 * the database instead of one look each. A change committed before the request began is always seen.
 */
export function readingOf(request: FastifyRequest, watch: CredentialsWatch): Reading {
  return (request.reading ??= watch.read())
}

/**
 * SQLite: exact. Every `read()` reads `PRAGMA data_version` on a read-only connection of the watch's own; it moves
 * whenever any other connection commits — this process's main connection, another process, the CLI, sqlite3 by
 * hand — and only then is the epoch row read. So a cached result is checked against the database on every request
 * that uses it, and a change committed anywhere is seen by the next request. The pragma opens and closes a read
 * transaction (a lock on the WAL index in shared memory, no disk read): about 7-10 µs on the 2-core CI machine
 * under load. The file watch it replaces cost nothing per request but was late whenever a notification was lost
 * (up to its one-second poll). In memory there is only the one connection and nobody
 * else to notice: the epoch row is read on every call.
 */
class SqliteWatch implements CredentialsWatch {
  private local = 0
  private dataVersion = -1
  private stored = -1
  private readonly own: BetterSqlite3.Database | undefined
  /** `PRAGMA data_version` on the watch's own connection; none in memory, where the epoch row is always read. */
  private readonly readDataVersion: (() => number) | undefined
  private readonly readStored: () => number
  private closed = false

  constructor(raw: { sqlite: BetterSqlite3.Database; path: string }) {
    this.own = raw.path === ':memory:' ? undefined : openSqlite(raw.path, true)
    const sqlite = this.own ?? raw.sqlite
    const dataVersion = sqlite.prepare<[], number>('pragma data_version').pluck()
    const stored = sqlite.prepare<[], number>('select value from credentials_epoch where id = 1').pluck()
    this.readDataVersion = this.own ? () => dataVersion.get() ?? 0 : undefined
    this.readStored = () => stored.get() ?? 0
    this.check()
  }

  private check(): void {
    if (this.closed) return
    if (this.readDataVersion) {
      const dataVersion = this.readDataVersion()
      if (dataVersion === this.dataVersion) return
      this.dataVersion = dataVersion
    }
    const stored = this.readStored()
    if (stored !== this.stored) {
      this.stored = stored
      this.local++
    }
  }

  read(): Reading {
    this.check()
    return { epoch: this.local, data: this.readDataVersion ? this.dataVersion : undefined }
  }

  changed(): void {
    this.local++
  }

  sync(): Promise<void> {
    this.check()
    return Promise.resolve()
  }

  close(): Promise<void> {
    this.closed = true
    this.own?.close()
    return Promise.resolve()
  }
}

const RECONNECT_MS = 1000

/**
 * PostgreSQL: a connection of its own LISTENs for the triggers' notifications (payload: the schema). While it is
 * not connected, the epoch is undefined and every request reads the database, as it would with no cache at all.
 */
class PostgresWatch implements CredentialsWatch {
  private local = 0
  private live = false
  private closed = false
  private client: pg.Client | undefined
  private timer: NodeJS.Timeout | undefined
  /** Settles once listening, or once a first attempt failed (the watch keeps retrying on its own). */
  readonly ready: Promise<void>

  constructor(
    private readonly raw: { connectionString: string; schema?: string },
    private readonly log: FastifyBaseLogger,
  ) {
    this.ready = this.connect()
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.raw.connectionString,
      ...(this.raw.schema !== undefined ? { options: `-c search_path=${this.raw.schema}` } : {}),
    })
    this.client = client
    const lost = (err?: Error) => {
      if (this.client !== client) return
      this.live = false
      this.client = undefined
      client.removeAllListeners('notification')
      void client.end().catch(() => undefined)
      if (this.closed) return
      this.log.warn({ err: err?.message }, 'credentials watch lost its connection; authenticating uncached')
      this.timer = setTimeout(() => void this.connect(), RECONNECT_MS)
      this.timer.unref()
    }
    client.on('error', lost)
    client.on('end', () => {
      lost()
    })
    try {
      await client.connect()
      const { rows } = await client.query<{ schema: string }>('select current_schema() as schema')
      const schema = rows[0]?.schema
      client.on('notification', (n) => {
        if (n.payload === schema) this.local++
      })
      await client.query(`listen ${CREDENTIALS_CHANNEL}`)
      if (this.client !== client || this.closed) return
      // Whatever changed while nobody listened: forget it all.
      this.local++
      this.live = true
    } catch (err) {
      lost(err as Error)
    }
  }

  read(): Reading {
    return { epoch: this.live ? this.local : undefined, data: undefined }
  }

  changed(): void {
    this.local++
  }

  async sync(): Promise<void> {
    await this.client?.query('select 1')
  }

  async close(): Promise<void> {
    this.closed = true
    this.live = false
    if (this.timer) clearTimeout(this.timer)
    const client = this.client
    this.client = undefined
    if (client) await client.end().catch(() => undefined)
  }
}

/** The watch for this database; on PostgreSQL it is listening (or retrying) when this resolves. */
export async function openCredentialsWatch(
  database: Database,
  log: FastifyBaseLogger,
): Promise<CredentialsWatch> {
  const raw = database.raw
  if (raw.kind === 'sqlite') return new SqliteWatch(raw)
  const watch = new PostgresWatch(raw, log)
  await watch.ready
  return watch
}
