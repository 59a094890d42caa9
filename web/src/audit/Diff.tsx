import { Code, Table, Text, VisuallyHidden } from '@mantine/core'

function fields(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : value === null || value === undefined
      ? {}
      : { value }
}

function show(value: unknown, present: boolean) {
  if (!present)
    return (
      <Text c="dimmed" size="xs">
        —
      </Text>
    )
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{text}</Code>
}

/** Before and after, field by field, the changed ones marked. */
export function Diff({ before, after, label }: { before: unknown; after: unknown; label: string }) {
  const b = fields(before)
  const a = fields(after)
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
  if (keys.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No field values recorded.
      </Text>
    )
  return (
    <Table withTableBorder withColumnBorders verticalSpacing={4} fz="xs" aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Field</Table.Th>
          <Table.Th scope="col">Before</Table.Th>
          <Table.Th scope="col">After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.map((k) => {
          const changed = JSON.stringify(b[k]) !== JSON.stringify(a[k])
          return (
            <Table.Tr key={k} bg={changed ? 'var(--mantine-color-yellow-light)' : undefined}>
              <Table.Td>
                {k}
                {changed && <VisuallyHidden> (changed)</VisuallyHidden>}
              </Table.Td>
              <Table.Td>{show(b[k], k in b)}</Table.Td>
              <Table.Td>{show(a[k], k in a)}</Table.Td>
            </Table.Tr>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}
