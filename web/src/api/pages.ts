/**
 * Every item of a paged list, following `nextCursor` in pages of 1000 (for the short lists a screen shows whole: a
 * study's sites, cohorts, a site's slots, the questions, every study of the tenant).
 */
export async function allItems<T>(
  page: (query: { limit: number; cursor?: string }) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const answer = await page({ limit: 1000, ...(cursor ? { cursor } : {}) })
    items.push(...answer.items)
    cursor = answer.nextCursor ?? undefined
  } while (cursor)
  return items
}
