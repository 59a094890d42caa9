import { Button, Group, Text } from '@mantine/core'
import { useState } from 'react'

/** Cursor paging (`nextCursor`), remembering the cursors behind so "Previous page" works. */
export function useCursorPager() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined])
  const cursor = stack[stack.length - 1]
  return {
    cursor,
    page: stack.length,
    next: (nextCursor: string) => {
      setStack((s) => [...s, nextCursor])
    },
    previous: () => {
      setStack((s) => (s.length > 1 ? s.slice(0, -1) : s))
    },
    reset: () => {
      setStack([undefined])
    },
  }
}

export function Pager({
  pager,
  nextCursor,
  label,
}: {
  pager: ReturnType<typeof useCursorPager>
  nextCursor: string | null | undefined
  label: string
}) {
  if (pager.page === 1 && !nextCursor) return null
  return (
    <Group justify="space-between" mt="sm" role="navigation" aria-label={`${label} pages`}>
      <Text size="sm" c="dimmed">
        Page {pager.page}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" disabled={pager.page === 1} onClick={pager.previous}>
          Previous page
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={!nextCursor}
          onClick={() => {
            if (nextCursor) pager.next(nextCursor)
          }}
        >
          Next page
        </Button>
      </Group>
    </Group>
  )
}
