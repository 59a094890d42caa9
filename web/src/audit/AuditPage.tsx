import { Accordion, Alert, Button, Code, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { AuditRecord } from '../api/types'
import { useUsers } from '../admin/hooks'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { TextField } from '../ui/form'
import { Tag } from '../ui/Tag'
import { formatDateTime } from '../ui/format'
import { PageHeader } from '../ui/PageHeader'
import { Pager, useCursorPager } from '../ui/Pager'
import { Empty, Loading } from '../ui/states'
import { Diff } from './Diff'
import { useAudit, useAuditVerification, type AuditFilters } from './hooks'

const ENTITY_TYPES = ['user', 'api_token', 'role', 'session', 'tenant']
const NO_FILTERS: AuditFilters = { entityType: '', action: '', actorUserId: '', from: '', to: '' }

function Verification() {
  const v = useAuditVerification()
  if (v.isPending) return <Loading label="Verifying the audit chain…" />
  if (v.error) return <ErrorAlert error={v.error} title="The audit chain could not be verified" />
  const r = v.data
  return r.ok ? (
    <Alert color="green" title="Audit chain verified" role="status">
      All {r.checkedRecords} records of this tenant chain by hash: none was altered or removed.
    </Alert>
  ) : (
    <Alert color="red" title="Audit chain broken" role="alert">
      {r.firstBroken
        ? `Record #${r.firstBroken.seq}: ${r.firstBroken.problem}.`
        : 'A record does not match the chain.'}
    </Alert>
  )
}

function actorName(r: AuditRecord, names: Map<number, string>): string {
  const user = r.actor.userId === null ? undefined : (names.get(r.actor.userId) ?? `user #${r.actor.userId}`)
  const via =
    r.actor.kind === 'token' && r.actor.tokenId !== null ? `token #${r.actor.tokenId}` : r.actor.kind
  return user ? `${user} (${via})` : via
}

function Record({ r, names }: { r: AuditRecord; names: Map<number, string> }) {
  return (
    <Accordion.Item value={String(r.seq)}>
      <Accordion.Control
        aria-label={`Audit record ${r.seq}: ${r.action} on ${r.entityType} ${r.entityId ?? ''}`}
      >
        <Group gap="xs" wrap="wrap">
          <Text size="sm" c="dimmed" miw={170}>
            {formatDateTime(r.at)}
          </Text>
          <Tag tone="info">{r.action}</Tag>
          <Text size="sm">
            {r.entityType}
            {r.entityId ? ` ${r.entityId}` : ''}
          </Text>
          <Text size="sm" c="dimmed">
            by {actorName(r, names)}
          </Text>
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="xs">
          <Text size="sm">
            <strong>Reason for change:</strong>{' '}
            {r.reasonForChange ?? (
              <Text span c="dimmed">
                none given
              </Text>
            )}
          </Text>
          <Diff before={r.before} after={r.after} label={`Changes in record ${r.seq}`} />
          <Text size="xs" c="dimmed">
            #{r.seq} · request id <Code>{r.requestId ?? '—'}</Code> · hash <Code>{r.hash.slice(0, 16)}…</Code>
          </Text>
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  )
}

export function AuditPage() {
  const me = useMe()
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS)
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS)
  const pager = useCursorPager()
  const audit = useAudit(filters, pager.cursor)
  const canSeeUsers = can(me.data, 'admin.users.view')
  const users = useUsers('', undefined, 200, canSeeUsers)
  const names = new Map((canSeeUsers ? (users.data?.items ?? []) : []).map((u) => [u.id, u.username]))
  const set = (change: Partial<AuditFilters>) => {
    setDraft({ ...draft, ...change })
  }

  return (
    <>
      <PageHeader title="Audit trail" description="Every change, who made it, when and why" />
      <Stack>
        <Verification />
        <form
          aria-label="Audit filters"
          onSubmit={(e) => {
            e.preventDefault()
            pager.reset()
            setFilters(draft)
          }}
        >
          <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
            <Select
              label="Entity"
              data={ENTITY_TYPES}
              value={draft.entityType || null}
              clearable
              searchable
              onChange={(v) => {
                set({ entityType: v ?? '' })
              }}
            />
            {canSeeUsers ? (
              <Select
                label="Actor"
                data={[...names].map(([id, name]) => ({ value: String(id), label: name }))}
                value={draft.actorUserId || null}
                clearable
                searchable
                onChange={(v) => {
                  set({ actorUserId: v ?? '' })
                }}
              />
            ) : (
              <TextField
                label="Actor user id"
                inputMode="numeric"
                value={draft.actorUserId}
                onValue={(v) => {
                  set({ actorUserId: v })
                }}
              />
            )}
            <TextField
              label="Action"
              placeholder="e.g. user.update"
              value={draft.action}
              onValue={(v) => {
                set({ action: v.trim() })
              }}
            />
            <TextField
              label="From"
              type="date"
              value={draft.from}
              onValue={(v) => {
                set({ from: v })
              }}
            />
            <TextField
              label="To"
              type="date"
              value={draft.to}
              onValue={(v) => {
                set({ to: v })
              }}
            />
          </SimpleGrid>
          <Group mt="sm" gap="xs">
            <Button type="submit">Apply filters</Button>
            <Button
              variant="default"
              onClick={() => {
                setDraft(NO_FILTERS)
                setFilters(NO_FILTERS)
                pager.reset()
              }}
            >
              Clear filters
            </Button>
          </Group>
        </form>
        {audit.isPending ? (
          <Loading label="Loading the audit trail…" />
        ) : audit.error ? (
          <ErrorAlert
            error={audit.error}
            title="The audit trail could not be loaded"
            onRetry={() => void audit.refetch()}
          />
        ) : audit.data.items.length === 0 ? (
          <Empty title="No audit records">Nothing matches these filters.</Empty>
        ) : (
          <>
            <Accordion variant="separated" multiple aria-label="Audit records">
              {audit.data.items.map((r) => (
                <Record key={r.seq} r={r} names={names} />
              ))}
            </Accordion>
            <Pager pager={pager} nextCursor={audit.data.nextCursor} label="Audit" />
          </>
        )}
      </Stack>
    </>
  )
}
