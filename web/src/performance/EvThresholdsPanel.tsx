import { Button, Group, NumberInput, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import { useTenant, useUpdateTenant } from '../admin/tenant-hooks'
import { ApiError } from '../api/client'
import { ErrorAlert } from '../ui/ErrorAlert'
import type { Thresholds } from './PerformancePage'

const KINDS = [
  { kind: 'spi', label: 'SPI (schedule)', better: 'higher' },
  { kind: 'cpi', label: 'CPI (cost)', better: 'higher' },
  { kind: 'tcpi', label: 'TCPI (to complete)', better: 'lower' },
] as const

/**
 * The tenant's earned-value colour bands (part of the tenant settings): where SPI, CPI and TCPI turn from green to
 * amber and from amber to red on the dashboard. The server checks the order of each band.
 */
export function EvThresholdsPanel() {
  const tenant = useTenant()
  const update = useUpdateTenant()
  const [draft, setDraft] = useState<Thresholds | undefined>()
  if (!tenant.data) return null
  const current = tenant.data.evThresholds
  const d = draft ?? current
  const fieldError = (path: string) =>
    update.error instanceof ApiError
      ? update.error.fieldErrors.find((e) => e.path === path)?.message
      : undefined
  const set = (kind: keyof Thresholds, bound: 'green' | 'amber', v: number | string) => {
    if (typeof v !== 'number') return
    setDraft({ ...d, [kind]: { ...d[kind], [bound]: v } })
  }
  const save = (e: SyntheticEvent) => {
    e.preventDefault()
    update.mutate(
      { evThresholds: d },
      {
        onSuccess: () => {
          setDraft(undefined)
          notifications.show({ color: 'green', message: 'Earned-value thresholds saved' })
        },
      },
    )
  }
  const reset = () => {
    update.mutate(
      { evThresholds: null },
      {
        onSuccess: () => {
          setDraft(undefined)
          notifications.show({ color: 'green', message: 'Earned-value thresholds back to the defaults' })
        },
      },
    )
  }
  return (
    <Paper withBorder p="md" radius="md" maw={560} mt="md">
      <form onSubmit={save} aria-labelledby="ev-thresholds-title">
        <Stack>
          <div>
            <Title order={2} size="h4" id="ev-thresholds-title">
              Earned-value thresholds
            </Title>
            <Text size="sm" c="dimmed">
              The colours of SPI, CPI and TCPI on the earned-value dashboard.
            </Text>
          </div>
          <ErrorAlert error={update.error} title="The thresholds were not saved" />
          {KINDS.map(({ kind, label, better }) => (
            <fieldset key={kind} style={{ border: 0, padding: 0, margin: 0 }}>
              <Text component="legend" size="sm" fw={600} mb={4}>
                {label}: {better} is better; {better === 'higher' ? 'below' : 'above'} amber is red
              </Text>
              <SimpleGrid cols={2} spacing="sm">
                <NumberInput
                  label={`${kind.toUpperCase()} green ${better === 'higher' ? 'from' : 'up to'}`}
                  min={0}
                  max={10}
                  step={0.01}
                  decimalScale={2}
                  value={d[kind].green}
                  onChange={(v) => {
                    set(kind, 'green', v)
                  }}
                  error={fieldError(`/evThresholds/${kind}/green`)}
                />
                <NumberInput
                  label={`${kind.toUpperCase()} amber ${better === 'higher' ? 'from' : 'up to'}`}
                  min={0}
                  max={10}
                  step={0.01}
                  decimalScale={2}
                  value={d[kind].amber}
                  onChange={(v) => {
                    set(kind, 'amber', v)
                  }}
                  error={fieldError(`/evThresholds/${kind}/amber`)}
                />
              </SimpleGrid>
            </fieldset>
          ))}
          <Group>
            <Button type="submit" loading={update.isPending} disabled={draft === undefined}>
              Save thresholds
            </Button>
            <Button variant="default" onClick={reset} disabled={update.isPending}>
              Use the defaults
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  )
}
