import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import { Navigate, useNavigate } from 'react-router'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Loading } from '../ui/states'
import { useChangePassword, useMe } from './hooks'

/** Where a user whose password an administrator set goes first; anyone signed in may come here to change theirs. */
export function ChangePasswordPage() {
  const me = useMe()
  const navigate = useNavigate()
  const change = useChangePassword()
  const [currentPassword, setCurrent] = useState('')
  const [newPassword, setNew] = useState('')
  const [repeat, setRepeat] = useState('')
  const [mismatch, setMismatch] = useState(false)

  if (me.isPending) return <Loading />
  if (!me.data) return <Navigate to="/sign-in" replace />
  const forced = me.data.mustChangePassword === true

  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    if (newPassword !== repeat) {
      setMismatch(true)
      return
    }
    setMismatch(false)
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: 'Your password has been changed.' })
          void navigate('/', { replace: true })
        },
      },
    )
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={440}>
        <form onSubmit={submit} aria-labelledby="change-password-title">
          <Stack>
            <Title order={1} size="h2" id="change-password-title">
              Change your password
            </Title>
            {forced && (
              <Alert color="blue" role="status">
                An administrator set your password. Choose your own before you go on.
              </Alert>
            )}
            <Text size="sm" c="dimmed">
              Signed in as {me.data.user.username} ({me.data.tenant.code}).
            </Text>
            <ErrorAlert error={change.error} title="The password was not changed" />
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              required
              withAsterisk={false}
              value={currentPassword}
              onChange={(e) => {
                setCurrent(e.currentTarget.value)
              }}
            />
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              required
              withAsterisk={false}
              value={newPassword}
              onChange={(e) => {
                setNew(e.currentTarget.value)
              }}
            />
            <PasswordInput
              label="Repeat the new password"
              autoComplete="new-password"
              required
              withAsterisk={false}
              value={repeat}
              error={mismatch ? 'The two new passwords differ' : undefined}
              onChange={(e) => {
                setRepeat(e.currentTarget.value)
              }}
            />
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
            {!forced && (
              <Button variant="subtle" onClick={() => void navigate(-1)}>
                Cancel
              </Button>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
