import type { CreateTableBuilder } from 'kysely'
import type { Dialect } from './database.js'

/**
 * Column conventions shared by both dialects, so one migration serves SQLite and PostgreSQL:
 * - ids: 64-bit auto-increment integers;
 * - timestamps: ISO-8601 UTC text (`2026-11-23T14:00:00.000Z`), which sorts as time does;
 * - dates: `YYYY-MM-DD` text; booleans: integer 0/1;
 * - money and measurements: decimal text (never a lossy float).
 */
export function withId<T extends string>(
  table: CreateTableBuilder<T>,
  dialect: Dialect,
  name = 'id',
): CreateTableBuilder<T> {
  return dialect === 'postgres'
    ? table.addColumn(name, 'bigserial', (c) => c.primaryKey())
    : table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement())
}

/** Type of a column that refers to an auto-increment id. */
export function idType(dialect: Dialect): 'bigint' | 'integer' {
  return dialect === 'postgres' ? 'bigint' : 'integer'
}

export function nowIso(): string {
  return new Date().toISOString()
}
