import { Button, Group, NumberInput, Paper, Stack, Switch, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import { EvThresholdsPanel } from '../performance/EvThresholdsPanel'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Loading } from '../ui/states'
import { useTenant, useUpdateTenant, type TenantSettings } from './tenant-hooks'

/** What a tenant administrator may change about the tenant: Recruit on or off, and its rate limit. */
export function TenantPage() {
  const tenant = useTenant()
  const update = useUpdateTenant()
  const [draft, setDraft] = useState<TenantSettings | undefined>()

  if (tenant.isPending) return <Loading label="Loading tenant settings…" />
  if (tenant.error)
    return (
      <ErrorAlert
        error={tenant.error}
        title="Tenant settings could not be loaded"
        onRetry={() => void tenant.refetch()}
      />
    )
  const current = tenant.data
  const d = draft ?? { recruitEnabled: current.recruitEnabled, rateLimitMax: current.rateLimitMax ?? null }
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    update.mutate(d, {
      onSuccess: () => {
        setDraft(undefined)
        notifications.show({ color: 'green', message: 'Tenant settings saved' })
      },
    })
  }
  return (
    <>
      <PageHeader title="Tenant settings" description={`${current.name} (${current.code})`} />
      <Paper withBorder p="md" radius="md" maw={560}>
        <form onSubmit={submit}>
          <Stack>
            <ErrorAlert error={update.error} title="The settings were not saved" />
            <Switch
              label="Recruit"
              description="The Recruit API and volunteer screens for this tenant"
              checked={d.recruitEnabled}
              onChange={(e) => {
                setDraft({ ...d, recruitEnabled: e.currentTarget.checked })
              }}
            />
            <NumberInput
              label={`Rate limit (requests per ${current.rateLimitWindowSeconds} s per user or token)`}
              description={`Empty: the server's default, ${current.defaultRateLimitMax}`}
              min={1}
              allowDecimal={false}
              value={d.rateLimitMax ?? ''}
              onChange={(v) => {
                setDraft({ ...d, rateLimitMax: typeof v === 'number' ? v : null })
              }}
            />
            <Text size="xs" c="dimmed">
              Changes are recorded in the audit trail.
            </Text>
            <Group>
              <Button type="submit" loading={update.isPending} disabled={draft === undefined}>
                Save settings
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <EvThresholdsPanel />
    </>
  )
}
