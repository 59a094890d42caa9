import { Button, Group, Paper, Stack, TagsInput, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Loading } from '../ui/states'
import { useSetSiteRestriction, useSiteRestriction } from './hooks'

/** Which study sites' volunteers a staff user sees in Recruit (none listed: all of them). */
export function SiteRestrictionPanel({ userId, manage }: { userId: number; manage: boolean }) {
  const current = useSiteRestriction(userId, true)
  const save = useSetSiteRestriction(userId)
  const [draft, setDraft] = useState<string[] | undefined>()

  if (current.isPending) return <Loading label="Loading site restrictions…" />
  const value = draft ?? (current.data?.siteIds ?? []).map(String)
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h3">
          Volunteer sites
        </Title>
        <Text size="sm" c="dimmed">
          The study sites whose volunteers this user sees in Recruit. With none listed, the user sees all of
          them.
        </Text>
        <ErrorAlert error={current.error ?? save.error} title="Site restrictions" />
        <TagsInput
          label="Site ids"
          description="Type a site id and press Enter"
          value={value}
          disabled={!manage}
          onChange={(ids) => {
            setDraft(ids.filter((id) => /^\d+$/.test(id)))
          }}
        />
        {manage && (
          <Group>
            <Button
              variant="light"
              loading={save.isPending}
              disabled={draft === undefined}
              onClick={() => {
                save.mutate(value.map(Number), {
                  onSuccess: () => {
                    setDraft(undefined)
                    notifications.show({ color: 'green', message: 'Volunteer sites saved' })
                  },
                })
              }}
            >
              Save volunteer sites
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  )
}
