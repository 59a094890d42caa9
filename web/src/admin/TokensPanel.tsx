import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { createColumnHelper } from '@tanstack/react-table'
import { useMemo, useState, type SyntheticEvent } from 'react'
import type { CreatedToken, NewToken, Token } from '../api/types'
import { DataTable } from '../ui/DataTable'
import { Tag } from '../ui/Tag'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDate, formatDateTime } from '../ui/format'
import { Empty, Loading } from '../ui/states'
import { useCreateToken, useRevokeToken, useTokens } from './hooks'

const column = createColumnHelper<Token>()
const STATUS_TONE = { active: 'good', expired: 'neutral', revoked: 'bad' } as const

const PRESETS = [
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: '365d', label: '1 year' },
  { value: 'date', label: 'On a date…' },
  { value: 'never', label: 'Never' },
]

function expiryOf(preset: string, date: string): Pick<NewToken, 'expiresAt' | 'expiresIn'> {
  if (preset === 'never') return { expiresAt: null }
  // The end of the chosen day, in the browser's time zone.
  if (preset === 'date') return { expiresAt: new Date(`${date}T23:59:59`).toISOString() }
  return { expiresIn: preset }
}

function CreateTokenForm({ userId, onCreated }: { userId: number; onCreated: (t: CreatedToken) => void }) {
  const create = useCreateToken(userId)
  const [name, setName] = useState('')
  const [preset, setPreset] = useState('90d')
  const [date, setDate] = useState('')
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    create.mutate(
      { name, ...expiryOf(preset, date) },
      {
        onSuccess: (t) => {
          setName('')
          onCreated(t)
        },
      },
    )
  }
  return (
    <form onSubmit={submit} aria-label="Create API token">
      <Stack gap="xs">
        <ErrorAlert error={create.error} title="The token was not created" />
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Token name"
            required
            value={name}
            w={{ base: '100%', xs: 240 }}
            onChange={(e) => {
              setName(e.currentTarget.value)
            }}
          />
          <Select
            label="Expires"
            data={PRESETS}
            value={preset}
            allowDeselect={false}
            w={{ base: '100%', xs: 160 }}
            onChange={(v) => {
              setPreset(v ?? '90d')
            }}
          />
          {preset === 'date' && (
            <TextInput
              label="Expiry date"
              type="date"
              required
              value={date}
              w={{ base: '100%', xs: 180 }}
              onChange={(e) => {
                setDate(e.currentTarget.value)
              }}
            />
          )}
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

/** The secret, once: it is in the creation answer and nowhere else, ever. */
function SecretDialog({ token, onClose }: { token: CreatedToken | undefined; onClose: () => void }) {
  return (
    <Modal opened={token !== undefined} onClose={onClose} title="Your new API token" size="lg">
      {token && (
        <Stack>
          <Alert color="orange" title="Copy it now" role="alert">
            This is the only time the token is shown. Trialdeck keeps only its hash: if you lose it, revoke it
            and create another.
          </Alert>
          <Text size="sm">
            Token <strong>{token.name}</strong>, send it as <Code>Authorization: Bearer …</Code>
          </Text>
          <Code block aria-label="Token secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {token.secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={token.secret}>
              {({ copied, copy }) => (
                <Button color={copied ? 'teal.9' : 'blue.8'} onClick={copy}>
                  {copied ? 'Copied' : 'Copy token'}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              I have stored it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

function RevokeDialog({
  userId,
  token,
  onClose,
}: {
  userId: number
  token: Token | undefined
  onClose: () => void
}) {
  const revoke = useRevokeToken(userId)
  const close = () => {
    revoke.reset()
    onClose()
  }
  return (
    <Modal opened={token !== undefined} onClose={close} title="Revoke API token">
      {token && (
        <Stack>
          <Text size="sm">
            Revoke <strong>{token.name}</strong> ({token.prefix}…)? Every program using it is refused from its
            next request on. This cannot be undone.
          </Text>
          <ErrorAlert error={revoke.error} title="The token was not revoked" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => {
                revoke.mutate(token.id, {
                  onSuccess: () => {
                    notifications.show({ color: 'green', message: `Token ${token.name} revoked` })
                    close()
                  },
                })
              }}
            >
              Revoke token
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

/** A user's API tokens: the list for `admin.users.tokens.view`, create and revoke for `…tokens.manage`. */
export function TokensPanel({ userId, manage }: { userId: number; manage: boolean }) {
  const tokens = useTokens(userId, true)
  const [created, setCreated] = useState<CreatedToken | undefined>()
  const [revoking, setRevoking] = useState<Token | undefined>()
  const columns = useMemo(
    () => [
      column.accessor('name', { header: 'Name' }),
      column.accessor('prefix', { header: 'Prefix', cell: (c) => <Code>{c.getValue()}…</Code> }),
      column.accessor('createdAt', { header: 'Created', cell: (c) => formatDateTime(c.getValue()) }),
      column.accessor('expiresAt', { header: 'Expires', cell: (c) => formatDate(c.getValue(), 'Never') }),
      column.accessor('lastUsedAt', {
        header: 'Last used',
        cell: (c) => formatDateTime(c.getValue(), 'Never'),
      }),
      column.accessor('status', {
        header: 'Status',
        cell: (c) => <Tag tone={STATUS_TONE[c.getValue()]}>{c.getValue()}</Tag>,
      }),
      ...(manage
        ? [
            column.display({
              id: 'revoke',
              header: 'Actions',
              cell: (c) =>
                c.row.original.status === 'active' ? (
                  <Button
                    size="compact-xs"
                    color="red"
                    variant="light"
                    aria-label={`Revoke token ${c.row.original.name}`}
                    onClick={() => {
                      setRevoking(c.row.original)
                    }}
                  >
                    Revoke
                  </Button>
                ) : null,
            }),
          ]
        : []),
    ],
    [manage],
  )
  return (
    <Paper withBorder p="md" radius="md">
      <Stack>
        <Title order={2} size="h3">
          API tokens
        </Title>
        {manage && <CreateTokenForm userId={userId} onCreated={setCreated} />}
        {tokens.isPending ? (
          <Loading label="Loading tokens…" />
        ) : tokens.error ? (
          <ErrorAlert
            error={tokens.error}
            title="Tokens could not be loaded"
            onRetry={() => void tokens.refetch()}
          />
        ) : tokens.data.items.length === 0 ? (
          <Empty title="No API tokens">This user has no tokens.</Empty>
        ) : (
          <DataTable caption="API tokens" rows={tokens.data.items} columns={columns} rowKey={(t) => t.id} />
        )}
      </Stack>
      <SecretDialog
        token={created}
        onClose={() => {
          setCreated(undefined)
        }}
      />
      <RevokeDialog
        userId={userId}
        token={revoking}
        onClose={() => {
          setRevoking(undefined)
        }}
      />
    </Paper>
  )
}
