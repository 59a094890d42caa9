import { Alert, Anchor, Button, Center, Paper, Stack, Text, Title } from '@mantine/core'
import { useState, type SyntheticEvent } from 'react'
import { Navigate, useNavigate, useSearchParams } from 'react-router'
import { ApiError } from '../api/client'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PasswordField, TextField } from '../ui/form'
import { Loading } from '../ui/states'
import { customerCodeFromHost, useMe, useSignIn } from './hooks'

/** Where a sign-in may send someone back to: a path of this app, never another site. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/'
}

function signInError(error: unknown) {
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${Math.ceil(error.retryAfter / 60)} minute(s).` : ''
    return (
      <Alert color="red" title="Too many attempts" role="alert">
        {error.message || 'Too many failed sign-ins: wait a while before trying again.'}
        {!error.message && wait}
        {error.requestId && (
          <Text size="xs" c="dimmed" mt={4}>
            Request id {error.requestId}
          </Text>
        )}
      </Alert>
    )
  }
  return <ErrorAlert error={error} title="Sign-in failed" />
}

export function SignInPage() {
  const me = useMe()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const signIn = useSignIn()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [customerCode, setCustomerCode] = useState(() => customerCodeFromHost(window.location.hostname))
  const next = safeNext(params.get('next'))

  if (me.isPending) return <Loading />
  if (me.data && !signIn.isPending) return <Navigate to={next} replace />

  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    signIn.mutate(
      { username, password, customerCode },
      {
        onSuccess: (session) => {
          void navigate(session.mustChangePassword ? '/change-password' : next, { replace: true })
        },
        onError: () => {
          setPassword('')
        },
      },
    )
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} aria-labelledby="sign-in-title">
          <Stack>
            <div>
              <Title order={1} size="h2" id="sign-in-title">
                Sign in to Trialdeck
              </Title>
              <Text size="sm" c="dimmed">
                Staff and administrators of your clinic
              </Text>
            </div>
            {params.get('ended') && !signIn.error && (
              <Alert color="orange" title="Session ended" role="status">
                Your session has ended. Sign in again to go on.
              </Alert>
            )}
            {signIn.error && signInError(signIn.error)}
            <TextField
              label="Username"
              name="username"
              autoComplete="username"
              required
              withAsterisk={false}
              autoFocus
              value={username}
              onValue={setUsername}
            />
            <PasswordField
              label="Password"
              name="password"
              autoComplete="current-password"
              required
              withAsterisk={false}
              value={password}
              onValue={setPassword}
            />
            <TextField
              label="Customer code"
              name="customerCode"
              description="Your organisation's code; leave empty if your server has a single one"
              autoComplete="organization"
              value={customerCode}
              onValue={setCustomerCode}
            />
            <Button type="submit" loading={signIn.isPending} fullWidth>
              Sign in
            </Button>
            <Text size="xs" c="dimmed" ta="center">
              Integrating a system? See the <Anchor href="/docs">API documentation</Anchor>.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
