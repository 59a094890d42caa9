import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseIntrospector,
  type TableMetadata,
  type Transaction,
} from 'kysely'
import pg from 'pg'
import type { DB } from './schema.js'

export type Dialect = 'sqlite' | 'postgres'

export type RawConnection =
  | { kind: 'sqlite'; sqlite: BetterSqlite3.Database; path: string }
  | { kind: 'postgres'; pool: pg.Pool; connectionString: string; schema?: string }

/** An open database: the Kysely handle every repository uses, plus the raw driver for streaming reads. */
export interface Database {
  db: Kysely<DB>
  dialect: Dialect
  raw: RawConnection
  close(): Promise<void>
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to work in (created when missing); used to isolate test runs. */
  schema?: string
  poolSize?: number
  /**
   * SQLite only: `full` (the default) syncs the WAL on every commit, so an acknowledged write survives a power
   * loss or OS crash; `normal` syncs only at checkpoints, faster but may lose the last commits on such a crash
   * (never on a killed process). Config: SQLITE_SYNC.
   */
  synchronous?: 'full' | 'normal'
}

const PG_INT8 = 20
/** int8 counts and ids come back as numbers (they stay far below 2^53); numeric stays a string (exact). */
function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === PG_INT8) return (v: string) => Number(v)
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-enum-assignment -- pg's own default
      return pg.types.getTypeParser(oid, format)
    }) as pg.CustomTypesConfig['getTypeParser'],
  }
}

export function sqlitePathOf(url: string): string {
  const path = url.replace(/^sqlite:(\/\/)?/, '')
  return path === ':memory:' ? path : resolve(path)
}

export function openSqlite(
  path: string,
  readonly = false,
  synchronous: 'full' | 'normal' = 'full',
): BetterSqlite3.Database {
  if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true })
  const sqlite = new BetterSqlite3(path, { readonly })
  if (!readonly) sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
  return sqlite
}

/**
 * PostgreSQL with an introspector that sees only the schema in use. Kysely's own lists the tables of every schema
 * and checks privileges by schema name, so a schema that someone else drops meanwhile (another deployment or test
 * run on the same server) fails the query with "schema … does not exist" — and the migrator, which asks it whether
 * its bookkeeping tables exist, would also take another schema's tables for its own.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own signature
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const inner = super.createIntrospector(db)
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; schema: string; kind: string }>`
        select c.relname as name, n.nspname as schema, c.relkind as kind
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')`.execute(db)
      return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }))
    }
    return {
      getSchemas: () => inner.getSchemas(),
      getTables,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- still part of the interface we implement
      getMetadata: async () => ({ tables: await getTables() }),
    }
  }
}

/** Opens the database `url` names (`sqlite:<file>` or `postgres://…`). Does not migrate. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) {
    const path = sqlitePathOf(url)
    const sqlite = openSqlite(path, false, options.synchronous)
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) })
    return {
      db,
      dialect: 'sqlite',
      raw: { kind: 'sqlite', sqlite, path },
      close: () => db.destroy(),
    }
  }
  const { schema } = options
  if (schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(`create schema if not exists ${schema}`)
    } finally {
      await client.end()
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: pgTypes(),
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  })
  const db = new Kysely<DB>({ dialect: new SchemaScopedPostgresDialect({ pool }) })
  return {
    db,
    dialect: 'postgres',
    raw: { kind: 'postgres', pool, connectionString: url, ...(schema !== undefined ? { schema } : {}) },
    close: () => db.destroy(),
  }
}

/** Runs `fn` in one transaction: all of it is committed, or none of it. */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn)
}

export async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db)
}
