import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import type { Role, RoleAction } from '../api/types'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Tag } from '../ui/Tag'
import { PageHeader } from '../ui/PageHeader'
import { Empty, Loading } from '../ui/states'
import { useCreateRole, useRoles } from './hooks'

/** Every role action there is, in the order the API lists them on the administrator role. */
function allActions(roles: Role[]): RoleAction[] {
  const seen = new Set<RoleAction>()
  for (const r of roles) for (const a of r.actions) seen.add(a)
  return [...seen]
}

function RoleCard({ role }: { role: Role }) {
  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby={`role-${role.id}`}>
      <Group justify="space-between" mb={4}>
        <Title order={2} size="h4" id={`role-${role.id}`}>
          {role.name}
        </Title>
        <Tag tone={role.builtIn ? 'neutral' : 'info'}>{role.builtIn ? 'Built-in' : 'Custom'}</Tag>
      </Group>
      {role.description && (
        <Text size="sm" c="dimmed" mb="xs">
          {role.description}
        </Text>
      )}
      <Group gap={4}>
        {role.actions.length === 0 ? (
          <Text size="sm" c="dimmed">
            No role actions
          </Text>
        ) : (
          role.actions.map((a) => (
            <Badge key={a} variant="outline" size="sm" tt="none">
              {a}
            </Badge>
          ))
        )}
      </Group>
    </Paper>
  )
}

function CreateRoleDialog({
  opened,
  onClose,
  actions,
  held,
}: {
  opened: boolean
  onClose: () => void
  actions: RoleAction[]
  held: readonly RoleAction[]
}) {
  const create = useCreateRole()
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [chosen, setChosen] = useState<string[]>([])
  const close = () => {
    create.reset()
    setName('')
    setDescription('')
    setChosen([])
    onClose()
  }
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    create.mutate(
      { name, ...(description ? { description } : {}), actions: chosen as RoleAction[] },
      {
        onSuccess: (r) => {
          notifications.show({ color: 'green', message: `Role ${r.name} created` })
          close()
        },
      },
    )
  }
  return (
    <Modal opened={opened} onClose={close} title="Create role" size="lg">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={create.error} title="The role was not created" />
          <TextInput
            label="Role name"
            required
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value)
            }}
          />
          <TextInput
            label="Description"
            value={description}
            onChange={(e) => {
              setDescription(e.currentTarget.value)
            }}
          />
          <Checkbox.Group
            label="Role actions"
            description="Nobody grants what they lack: actions you do not hold yourself cannot be chosen."
            value={chosen}
            onChange={setChosen}
          >
            <SimpleGrid cols={{ base: 1, xs: 2 }} mt="xs" spacing="xs">
              {actions.map((a) => (
                <Checkbox
                  key={a}
                  value={a}
                  label={a}
                  disabled={!held.includes(a)}
                  description={held.includes(a) ? undefined : 'You do not hold this action'}
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create role
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

export function RolesPage() {
  const me = useMe()
  const roles = useRoles()
  const [creating, setCreating] = useState(false)
  const manage = can(me.data, 'admin.roles.manage')
  return (
    <>
      <PageHeader title="Roles" description="What each role lets its users do (role actions)">
        {manage && (
          <Button
            onClick={() => {
              setCreating(true)
            }}
          >
            Create role
          </Button>
        )}
      </PageHeader>
      {roles.isPending ? (
        <Loading label="Loading roles…" />
      ) : roles.error ? (
        <ErrorAlert
          error={roles.error}
          title="Roles could not be loaded"
          onRetry={() => void roles.refetch()}
        />
      ) : roles.data.items.length === 0 ? (
        <Empty title="No roles" />
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {roles.data.items.map((r) => (
            <RoleCard key={r.id} role={r} />
          ))}
        </SimpleGrid>
      )}
      {manage && roles.data && (
        <CreateRoleDialog
          opened={creating}
          onClose={() => {
            setCreating(false)
          }}
          actions={allActions(roles.data.items)}
          held={me.data?.actions ?? []}
        />
      )}
    </>
  )
}
