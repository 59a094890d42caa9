import { Alert, Button, Modal, MultiSelect, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import { ApiError } from '../api/client'
import type { User, UserPatch } from '../api/types'
import { ErrorAlert } from '../ui/ErrorAlert'
import { FormActions, PasswordField, SwitchField, TextField } from '../ui/form'
import { formatDateTime } from '../ui/format'
import { Loading } from '../ui/states'
import { useRoles, useUpdateUser, useUser } from './hooks'

interface Draft {
  displayName: string
  email: string
  active: boolean
  basicAuthEnabled: boolean
  roles: string[]
  password: string
}

function draftOf(u: User): Draft {
  return {
    displayName: u.displayName ?? '',
    email: u.email ?? '',
    active: u.active,
    basicAuthEnabled: u.basicAuthEnabled,
    roles: [...u.roles],
    password: '',
  }
}

/** Only what changed goes to the server, so a concurrent edit of another field is not overwritten. */
function patchOf(u: User, d: Draft): UserPatch {
  const patch: UserPatch = {}
  if (d.displayName !== (u.displayName ?? '')) patch.displayName = d.displayName || null
  if (d.email !== (u.email ?? '')) patch.email = d.email || null
  if (d.active !== u.active) patch.active = d.active
  if (d.basicAuthEnabled !== u.basicAuthEnabled) patch.basicAuthEnabled = d.basicAuthEnabled
  if ([...d.roles].sort().join('\n') !== [...u.roles].sort().join('\n')) patch.roles = d.roles
  if (d.password) patch.password = d.password
  return patch
}

function UserForm({ userId, onClose }: { userId: number; onClose: () => void }) {
  const user = useUser(userId)
  const roles = useRoles()
  const update = useUpdateUser(userId)
  const [draft, setDraft] = useState<Draft | undefined>()

  if (user.isPending) return <Loading />
  if (user.error) return <ErrorAlert error={user.error} onRetry={() => void user.refetch()} />
  const current = user.data.data
  const d = draft ?? draftOf(current)
  const set = (change: Partial<Draft>) => {
    setDraft({ ...d, ...change })
  }
  const conflict = update.error instanceof ApiError && update.error.status === 412
  const locked = current.locked

  const reload = async () => {
    update.reset()
    const fresh = await user.refetch()
    if (fresh.data) setDraft(draftOf(fresh.data.data))
  }
  const save = (patch: UserPatch, message: string) => {
    update.mutate(
      { patch, etag: user.data.etag },
      {
        onSuccess: (answer) => {
          setDraft(draftOf(answer.data))
          notifications.show({ color: 'green', message })
        },
      },
    )
  }
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    const patch = patchOf(current, d)
    if (Object.keys(patch).length === 0) {
      onClose()
      return
    }
    save(patch, `${current.username} updated`)
  }

  return (
    <form onSubmit={submit}>
      <Stack>
        {conflict ? (
          <Alert color="orange" title="Someone else changed this user" role="alert">
            <Text size="sm">
              This user was changed since you opened it, so nothing was saved. Reload to see the current
              values, then make your change again.
            </Text>
            <Button size="xs" mt="sm" variant="light" color="orange" onClick={() => void reload()}>
              Reload user
            </Button>
          </Alert>
        ) : (
          <ErrorAlert error={update.error} title="The user was not updated" />
        )}
        <TextField
          label="Display name"
          value={d.displayName}
          onValue={(displayName) => {
            set({ displayName })
          }}
        />
        <TextField
          label="Email"
          type="email"
          value={d.email}
          onValue={(email) => {
            set({ email })
          }}
        />
        <SwitchField
          label="Active"
          description="An inactive user cannot sign in or use the API"
          checked={d.active}
          onChecked={(active) => {
            set({ active })
          }}
        />
        <SwitchField
          label="Basic authentication"
          description="Lets this user call the API with username and password (HTTP Basic)"
          checked={d.basicAuthEnabled}
          onChecked={(basicAuthEnabled) => {
            set({ basicAuthEnabled })
          }}
        />
        <MultiSelect
          label="Roles"
          data={(roles.data?.items ?? []).map((r) => r.name)}
          value={d.roles}
          onChange={(roles) => {
            set({ roles })
          }}
          searchable
          comboboxProps={{ withinPortal: true }}
        />
        <PasswordField
          label="Reset password"
          description="Leave empty to keep the current one; the user must choose a new one at next sign-in"
          autoComplete="new-password"
          value={d.password}
          onValue={(password) => {
            set({ password })
          }}
        />
        {locked && (
          <Alert color="orange" title="Locked" role="status">
            <Text size="sm">
              Locked after repeated failed sign-ins until {formatDateTime(current.lockedUntil)}.
            </Text>
            <Button
              size="xs"
              mt="sm"
              variant="light"
              color="orange"
              loading={update.isPending}
              onClick={() => {
                save({ unlock: true }, `${current.username} unlocked`)
              }}
            >
              Unlock
            </Button>
          </Alert>
        )}
        <FormActions
          submit="Save changes"
          cancel="Close"
          onCancel={onClose}
          pending={update.isPending}
          disabled={conflict}
        />
      </Stack>
    </form>
  )
}

/** The "Update user" dialog: flags, roles, unlock, password reset, with `If-Match` so no edit is lost. */
export function UserDialog({ user, onClose }: { user: User | undefined; onClose: () => void }) {
  return (
    <Modal
      opened={user !== undefined}
      onClose={onClose}
      title={`Update user ${user?.username ?? ''}`}
      size="lg"
    >
      {user && <UserForm key={user.id} userId={user.id} onClose={onClose} />}
    </Modal>
  )
}
