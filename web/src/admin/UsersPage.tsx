import { Anchor, Button, Group, Text, TextInput, VisuallyHidden } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { createColumnHelper } from '@tanstack/react-table'
import { useCallback, useMemo, useState } from 'react'
import { Link } from 'react-router'
import type { User } from '../api/types'
import { can, useMe } from '../session/hooks'
import { Tag } from '../ui/Tag'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDateTime } from '../ui/format'
import { PageHeader } from '../ui/PageHeader'
import { Empty, Loading } from '../ui/states'
import { VirtualTable } from '../ui/VirtualTable'
import { CreateUserDialog } from './CreateUserDialog'
import { useUserList } from './hooks'
import { UserDialog } from './UserDialog'

const column = createColumnHelper<User>()

function YesNo({ value, yes, no }: { value: boolean; yes: string; no: string }) {
  return <Tag tone={value ? 'good' : 'neutral'}>{value ? yes : no}</Tag>
}

export function UsersPage() {
  const me = useMe()
  const [search, setSearch] = useState('')
  const [q] = useDebouncedValue(search.trim(), 250)
  const users = useUserList(q)
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = users
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage({ cancelRefetch: false })
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])
  const rows = useMemo(() => users.data?.pages.flatMap((p) => p.items) ?? [], [users.data])
  const [editing, setEditing] = useState<User | undefined>()
  const [creating, setCreating] = useState(false)
  const manage = can(me.data, 'admin.users.manage')

  const columns = useMemo(
    () => [
      column.accessor('username', {
        header: 'Username',
        cell: (c) => (
          <Anchor component={Link} to={`/admin/users/${c.row.original.id}`} size="sm">
            {c.getValue()}
          </Anchor>
        ),
      }),
      column.accessor('displayName', { header: 'Display name', cell: (c) => c.getValue() ?? '—' }),
      column.accessor('roles', {
        header: 'Roles',
        cell: (c) => (c.getValue().length ? c.getValue().join(', ') : <Text c="dimmed">none</Text>),
      }),
      column.accessor('active', {
        header: 'Active',
        cell: (c) => <YesNo value={c.getValue()} yes="Active" no="Inactive" />,
      }),
      column.accessor('basicAuthEnabled', {
        header: 'Basic auth',
        cell: (c) => <YesNo value={c.getValue()} yes="On" no="Off" />,
      }),
      column.accessor('locked', {
        header: 'Locked',
        cell: (c) =>
          c.getValue() ? (
            <Tag tone="bad">Locked</Tag>
          ) : (
            <Text size="sm" c="dimmed">
              No
            </Text>
          ),
      }),
      column.accessor('lastLoginAt', {
        header: 'Last login',
        cell: (c) => formatDateTime(c.getValue(), 'Never'),
      }),
      ...(manage
        ? [
            column.display({
              id: 'update',
              header: () => <VisuallyHidden>Actions</VisuallyHidden>,
              cell: (c) => (
                <Button
                  size="compact-xs"
                  variant="light"
                  aria-label={`Update user ${c.row.original.username}`}
                  onClick={() => {
                    setEditing(c.row.original)
                  }}
                >
                  Update
                </Button>
              ),
            }),
          ]
        : []),
    ],
    [manage],
  )

  return (
    <>
      <PageHeader title="Users" description="The people and service accounts of your organisation">
        {manage && (
          <Button
            onClick={() => {
              setCreating(true)
            }}
          >
            Create user
          </Button>
        )}
      </PageHeader>
      <Group mb="sm">
        <TextInput
          label="Search users"
          placeholder="Username or display name"
          type="search"
          value={search}
          w={{ base: '100%', sm: 320 }}
          onChange={(e) => {
            setSearch(e.currentTarget.value)
          }}
        />
      </Group>
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : users.error ? (
        <ErrorAlert
          error={users.error}
          title="Users could not be loaded"
          onRetry={() => void users.refetch()}
        />
      ) : rows.length === 0 ? (
        <Empty title={q ? 'No user matches' : 'No users yet'}>
          {q ? `Nobody's username or display name contains “${q}”.` : manage ? 'Create the first one.' : ''}
        </Empty>
      ) : (
        <>
          <VirtualTable
            caption="Users"
            rows={rows}
            columns={columns}
            rowKey={(u) => u.id}
            minWidth={900}
            onNearEnd={loadMore}
          />
          <Text size="sm" c="dimmed" mt="xs" role="status">
            {hasNextPage
              ? `${rows.length.toLocaleString()} users loaded; more load as you scroll`
              : `${rows.length.toLocaleString()} ${rows.length === 1 ? 'user' : 'users'}${q ? (rows.length === 1 ? ' matches' : ' match') : ''}`}
          </Text>
        </>
      )}
      <UserDialog
        user={editing}
        onClose={() => {
          setEditing(undefined)
        }}
      />
      <CreateUserDialog
        opened={creating}
        onClose={() => {
          setCreating(false)
        }}
      />
    </>
  )
}
