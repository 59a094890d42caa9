import { Alert, Button, Code, List, Text } from '@mantine/core'
import { ApiError } from '../api/client'

/** An API error in words: what the server said, the fields it named, and the request id to quote to support. */
export function ErrorAlert({
  error,
  title = 'Something went wrong',
  onRetry,
}: {
  error: unknown
  title?: string
  onRetry?: () => void
}) {
  if (!error) return null
  const api = error instanceof ApiError ? error : undefined
  const message = error instanceof Error ? error.message : 'The request failed.'
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      <Text size="sm">{message}</Text>
      {api && api.fieldErrors.length > 0 && (
        <List size="sm" mt="xs">
          {api.fieldErrors.map((e) => (
            <List.Item key={`${e.path}:${e.rule}`}>
              {e.path ? <Code>{e.path}</Code> : null} {e.message}
            </List.Item>
          ))}
        </List>
      )}
      {api?.requestId && (
        <Text size="xs" c="dimmed" mt="xs">
          Status {api.status} · request id <Code>{api.requestId}</Code>
        </Text>
      )}
      {onRetry && (
        <Button size="xs" variant="light" color="red" mt="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  )
}
