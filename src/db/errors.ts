/**
 * Constraint violations, recognised by the drivers' error codes for both dialects — the one place that knows them
 * (better-sqlite3: `SQLITE_CONSTRAINT_*`; pg: SQLSTATE class 23). Services turn them into domain errors (a
 * duplicate → Conflict or a `duplicate` ValidationFailed, a dangling reference → NotFound/ValidationFailed), so a
 * race between a check and an insert ends in the same 4xx as the check.
 */
function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
}

/** A unique or primary-key constraint refused the write. */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err)
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/** A foreign key refused the write: it names a row that does not exist (or is still referenced). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = codeOf(err)
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
}

/**
 * Runs a write whose uniqueness was checked beforehand; when a concurrent writer got there between the check and
 * the insert, the unique violation becomes `duplicate()` — the same error the check throws — instead of a 500.
 */
export async function unlessDuplicate<T>(write: () => Promise<T>, duplicate: () => Error): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate()
    throw err
  }
}
