import { Group, Text, Title } from '@mantine/core'
import { useEffect, type ReactNode } from 'react'

/** A page's title (also the document's), what it is for, and its main actions. */
export function PageHeader({
  title,
  description,
  children,
}: {
  title: string
  description?: string
  children?: ReactNode
}) {
  useEffect(() => {
    document.title = `${title} · Trialdeck`
  }, [title])
  return (
    <Group justify="space-between" align="flex-end" mb="md" gap="sm">
      <div>
        <Title order={1} size="h2">
          {title}
        </Title>
        {description && (
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        )}
      </div>
      {children && <Group gap="xs">{children}</Group>}
    </Group>
  )
}
