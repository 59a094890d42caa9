import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import { ApiError } from '../api/client'
import type { Role, RoleAction, RolePatch } from '../api/types'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { FormActions, TextField } from '../ui/form'
import { Tag } from '../ui/Tag'
import { PageHeader } from '../ui/PageHeader'
import { Empty, Loading } from '../ui/states'
import { useCreateRole, useRole, useRoles, useUpdateRole } from './hooks'

/** Every role action there is, in the order the API lists them on the administrator role. */
function allActions(roles: Role[]): RoleAction[] {
  const seen = new Set<RoleAction>()
  for (const r of roles) for (const a of r.actions) seen.add(a)
  return [...seen]
}

function RoleCard({ role, onEdit }: { role: Role; onEdit: (() => void) | undefined }) {
  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby={`role-${role.id}`}>
      <Group justify="space-between" mb={4} wrap="nowrap" align="flex-start">
        <Title order={2} size="h4" id={`role-${role.id}`} style={{ overflowWrap: 'anywhere' }}>
          {role.name}
        </Title>
        <Group gap="xs" wrap="nowrap">
          <Tag tone={role.builtIn ? 'neutral' : 'info'}>{role.builtIn ? 'Built-in' : 'Custom'}</Tag>
          {onEdit && (
            <Button
              size="compact-sm"
              variant="default"
              aria-label={`Edit role ${role.name}`}
              onClick={onEdit}
            >
              Edit
            </Button>
          )}
        </Group>
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

interface Draft {
  name: string
  description: string
  actions: string[]
}
const EMPTY: Draft = { name: '', description: '', actions: [] }

function draftOf(r: Role): Draft {
  return { name: r.name, description: r.description ?? '', actions: [...r.actions] }
}

/** Name, description and the role actions; an action the signed-in user lacks cannot be ticked or unticked. */
function RoleFields({
  draft,
  onChange,
  actions,
  held,
  disabled = false,
}: {
  draft: Draft
  onChange: (draft: Draft) => void
  actions: RoleAction[]
  held: readonly RoleAction[]
  disabled?: boolean
}) {
  return (
    <>
      <TextField
        label="Role name"
        required
        disabled={disabled}
        value={draft.name}
        onValue={(name) => {
          onChange({ ...draft, name })
        }}
      />
      <TextField
        label="Description"
        disabled={disabled}
        value={draft.description}
        onValue={(description) => {
          onChange({ ...draft, description })
        }}
      />
      <Checkbox.Group
        label="Role actions"
        description="Nobody grants what they lack: actions you do not hold yourself cannot be chosen or removed."
        value={draft.actions}
        onChange={(chosen) => {
          onChange({ ...draft, actions: chosen })
        }}
      >
        <SimpleGrid cols={{ base: 1, xs: 2 }} mt="xs" spacing="xs">
          {actions.map((a) => (
            <Checkbox
              key={a}
              value={a}
              label={a}
              disabled={disabled || !held.includes(a)}
              description={held.includes(a) ? undefined : 'You do not hold this action'}
            />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
    </>
  )
}

interface DialogProps {
  actions: RoleAction[]
  held: readonly RoleAction[]
  onClose: () => void
}

function CreateRoleDialog({ opened, onClose, actions, held }: DialogProps & { opened: boolean }) {
  const create = useCreateRole()
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const close = () => {
    create.reset()
    setDraft(EMPTY)
    onClose()
  }
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    const { name, description } = draft
    create.mutate(
      { name, ...(description ? { description } : {}), actions: draft.actions as RoleAction[] },
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
          <RoleFields draft={draft} onChange={setDraft} actions={actions} held={held} />
          <FormActions submit="Create role" onCancel={close} pending={create.isPending} />
        </Stack>
      </form>
    </Modal>
  )
}

/** Only what changed goes to the server, with the ETag it was read with. */
function patchOf(r: Role, d: Draft): RolePatch {
  const patch: RolePatch = {}
  if (d.name !== r.name) patch.name = d.name
  if (d.description !== (r.description ?? '')) patch.description = d.description || null
  if ([...d.actions].sort().join() !== [...r.actions].sort().join()) patch.actions = d.actions as RoleAction[]
  return patch
}

function EditRoleForm({ roleId, onClose, actions, held }: DialogProps & { roleId: number }) {
  const role = useRole(roleId)
  const update = useUpdateRole(roleId)
  const [draft, setDraft] = useState<Draft | undefined>()
  if (role.isPending) return <Loading label="Loading role…" />
  if (role.error) return <ErrorAlert error={role.error} onRetry={() => void role.refetch()} />
  const current = role.data.data
  const d = draft ?? draftOf(current)
  const lacking = current.actions.filter((a) => !held.includes(a))
  const conflict = update.error instanceof ApiError && update.error.status === 412
  const reload = async () => {
    update.reset()
    const fresh = await role.refetch()
    if (fresh.data) setDraft(draftOf(fresh.data.data))
  }
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    const patch = patchOf(current, d)
    if (Object.keys(patch).length === 0) {
      onClose()
      return
    }
    update.mutate(
      { patch, etag: role.data.etag },
      {
        onSuccess: (answer) => {
          notifications.show({ color: 'green', message: `Role ${answer.data.name} saved` })
          onClose()
        },
      },
    )
  }
  return (
    <form onSubmit={submit}>
      <Stack>
        {lacking.length > 0 && (
          <Alert color="orange" title="You cannot change this role" role="status">
            <Text size="sm">
              It holds role actions you do not hold ({lacking.join(', ')}). Nobody grants or takes away what
              they lack, so only someone who holds all of them can change this role.
            </Text>
          </Alert>
        )}
        {conflict ? (
          <Alert color="orange" title="Someone else changed this role" role="alert">
            <Text size="sm">
              This role was changed since you opened it, so nothing was saved. Reload to see the current
              values, then make your change again.
            </Text>
            <Button size="xs" mt="sm" variant="light" color="orange" onClick={() => void reload()}>
              Reload role
            </Button>
          </Alert>
        ) : (
          <ErrorAlert error={update.error} title="The role was not changed" />
        )}
        <RoleFields
          draft={d}
          onChange={setDraft}
          actions={actions}
          held={held}
          disabled={lacking.length > 0}
        />
        <FormActions
          submit="Save role"
          onCancel={onClose}
          pending={update.isPending}
          disabled={conflict || lacking.length > 0}
        />
      </Stack>
    </form>
  )
}

/** The edit dialog of a custom role (built-in roles are fixed: the server refuses any change to them). */
function EditRoleDialog({ role, ...props }: DialogProps & { role: Role | undefined }) {
  return (
    <Modal
      opened={role !== undefined}
      onClose={props.onClose}
      title={`Edit role ${role?.name ?? ''}`}
      size="lg"
    >
      {role && <EditRoleForm key={role.id} roleId={role.id} {...props} />}
    </Modal>
  )
}

export function RolesPage() {
  const me = useMe()
  const roles = useRoles()
  const [creating, setCreating] = useState(false)
  const [editing, setEditing] = useState<Role | undefined>()
  const manage = can(me.data, 'admin.roles.manage')
  return (
    <>
      <PageHeader
        title="Roles"
        description="What each role lets its users do (role actions). Built-in roles are fixed; custom ones can be edited."
      >
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
            <RoleCard
              key={r.id}
              role={r}
              onEdit={
                manage && !r.builtIn
                  ? () => {
                      setEditing(r)
                    }
                  : undefined
              }
            />
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
      {manage && roles.data && (
        <EditRoleDialog
          role={editing}
          onClose={() => {
            setEditing(undefined)
          }}
          actions={allActions(roles.data.items)}
          held={me.data?.actions ?? []}
        />
      )}
    </>
  )
}
