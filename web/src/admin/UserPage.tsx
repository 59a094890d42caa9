import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { Link, useParams } from 'react-router'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDateTime } from '../ui/format'
import { PageHeader } from '../ui/PageHeader'
import { Loading } from '../ui/states'
import { useUser } from './hooks'
import { SiteRestrictionPanel } from './SiteRestrictionPanel'
import { TokensPanel } from './TokensPanel'
import { UserDialog } from './UserDialog'

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  )
}

/** One user: facts, the "Update user" dialog, API tokens and volunteer sites, each as the role actions allow. */
export function UserPage() {
  const userId = Number(useParams().userId)
  const me = useMe()
  const user = useUser(userId)
  const [editing, setEditing] = useState(false)

  if (user.isPending) return <Loading label="Loading user…" />
  if (user.error) return <ErrorAlert error={user.error} title="The user could not be loaded" />
  const u = user.data.data
  return (
    <Stack>
      <Anchor component={Link} to="/admin/users" size="sm">
        ← All users
      </Anchor>
      <PageHeader title={u.username} description={u.displayName ?? undefined}>
        {can(me.data, 'admin.users.manage') && (
          <Button
            onClick={() => {
              setEditing(true)
            }}
          >
            Update user
          </Button>
        )}
      </PageHeader>
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Fact label="Active">{u.active ? 'Yes' : 'No'}</Fact>
          <Fact label="Basic auth">{u.basicAuthEnabled ? 'On' : 'Off'}</Fact>
          <Fact label="Last login">{formatDateTime(u.lastLoginAt, 'Never')}</Fact>
          <Fact label="Locked until">{formatDateTime(u.lockedUntil, 'Not locked')}</Fact>
        </SimpleGrid>
        <Group gap={4} mt="sm">
          {u.roles.map((r) => (
            <Badge key={r} variant="outline" tt="none">
              {r}
            </Badge>
          ))}
        </Group>
      </Paper>
      {can(me.data, 'admin.users.tokens.view') && (
        <TokensPanel userId={userId} manage={can(me.data, 'admin.users.tokens.manage')} />
      )}
      <SiteRestrictionPanel userId={userId} manage={can(me.data, 'admin.users.manage')} />
      <UserDialog
        user={editing ? u : undefined}
        onClose={() => {
          setEditing(false)
        }}
      />
    </Stack>
  )
}
