import { Modal, MultiSelect, Stack } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import { ErrorAlert } from '../ui/ErrorAlert'
import { FormActions, PasswordField, SwitchField, TextField } from '../ui/form'
import { useCreateUser, useRoles } from './hooks'

export function CreateUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateUser()
  const roles = useRoles(opened)
  const [username, setUsername] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [password, setPassword] = useState('')
  const [basicAuthEnabled, setBasic] = useState(false)
  const [chosen, setChosen] = useState<string[]>([])

  const close = () => {
    create.reset()
    setUsername('')
    setDisplayName('')
    setPassword('')
    setBasic(false)
    setChosen([])
    onClose()
  }
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    create.mutate(
      {
        username,
        ...(displayName ? { displayName } : {}),
        ...(password ? { password } : {}),
        basicAuthEnabled,
        roles: chosen,
      },
      {
        onSuccess: (u) => {
          notifications.show({ color: 'green', message: `User ${u.username} created` })
          close()
        },
      },
    )
  }
  return (
    <Modal opened={opened} onClose={close} title="Create user" size="lg">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={create.error} title="The user was not created" />
          <TextField label="Username" required value={username} onValue={setUsername} />
          <TextField label="Display name" value={displayName} onValue={setDisplayName} />
          <PasswordField
            label="Initial password"
            description="The user must change it at first sign-in"
            autoComplete="new-password"
            value={password}
            onValue={setPassword}
          />
          <SwitchField
            label="Basic authentication"
            description="Lets this user call the API with username and password (HTTP Basic)"
            checked={basicAuthEnabled}
            onChecked={setBasic}
          />
          <MultiSelect
            label="Roles"
            data={(roles.data?.items ?? []).map((r) => r.name)}
            value={chosen}
            onChange={setChosen}
            searchable
          />
          <FormActions submit="Create user" onCancel={close} pending={create.isPending} />
        </Stack>
      </form>
    </Modal>
  )
}
