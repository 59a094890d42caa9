import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'

/**
 * How an operation's `studyName` (and `siteName`) names a record: its name or, for a study, its protocol,
 * ignoring the case of the ASCII letters A–Z; every other character must match exactly (text is NFC-normalised
 * at the edge, so canonically equal forms already are equal). ASCII only because that is what both databases
 * can agree on: SQLite's lower() folds ASCII alone, PostgreSQL's folds all of Unicode, and JavaScript's
 * toLowerCase differs again — so `ÉTUDE` and `étude` are different names, on both, on purpose.
 */
export function foldCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

export function sameName(a: string, b: string): boolean {
  return foldCase(a) === foldCase(b)
}

/**
 * The tenant's studies `name` names (by name or protocol, see foldCase): usually one; none when unknown, several
 * when a name is ambiguous (the caller decides). lower() on both sides narrows the rows in SQL (a superset of the
 * ASCII rule on PostgreSQL), the exact rule is applied here, so the answer is the same on both databases.
 */
export async function studiesNamed(
  db: Kysely<DB>,
  tenantId: number,
  name: string,
): Promise<{ id: number; name: string; protocol: string }[]> {
  const rows = await db
    .selectFrom('studies')
    .select(['id', 'name', 'protocol'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb(sql`lower(name)`, '=', sql`lower(${name})`),
        eb(sql`lower(protocol)`, '=', sql`lower(${name})`),
      ]),
    )
    .orderBy('id')
    .execute()
  return rows.filter((s) => sameName(s.name, name) || sameName(s.protocol, name))
}

/** What the OpenAPI document says of every `studyName` parameter. */
export const STUDY_NAME_MATCH = "the study's name or protocol; the letters A–Z in any case, all else exactly"
