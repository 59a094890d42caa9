import { Button, Group, MultiSelect, Paper, Stack, TagsInput, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Loading } from '../ui/states'
import { useAllSites, useSetSiteRestriction, useSiteRestriction, type SiteChoice } from './hooks'

/** The picker's choices, grouped by study; a restricted site no study lists any more is still shown, by id. */
function choicesOf(sites: SiteChoice[], selected: string[]) {
  const groups = new Map<string, { value: string; label: string }[]>()
  for (const s of sites) {
    const items = groups.get(s.study) ?? []
    items.push({ value: String(s.siteId), label: `${s.name} (${s.study})` })
    groups.set(s.study, items)
  }
  const known = new Set(sites.map((s) => String(s.siteId)))
  const unknown = selected.filter((id) => !known.has(id)).map((id) => ({ value: id, label: `Site #${id}` }))
  return [
    ...[...groups].map(([group, items]) => ({ group, items })),
    ...(unknown.length > 0 ? [{ group: 'No longer listed', items: unknown }] : []),
  ]
}

/** Which study sites' volunteers a staff user sees in Recruit (none chosen: all of them). */
export function SiteRestrictionPanel({ userId, manage }: { userId: number; manage: boolean }) {
  const me = useMe()
  const studies = can(me.data, 'studies.view')
  const current = useSiteRestriction(userId, true)
  const sites = useAllSites(studies)
  const save = useSetSiteRestriction(userId)
  const [draft, setDraft] = useState<string[] | undefined>()

  if (current.isPending || (studies && sites.isPending)) return <Loading label="Loading site restrictions…" />
  const value = draft ?? (current.data?.siteIds ?? []).map(String)
  const byName = studies && !sites.error
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h3">
          Volunteer sites
        </Title>
        <Text size="sm" c="dimmed">
          The study sites whose volunteers this user sees in Recruit. With none chosen, the user sees all of
          them.
        </Text>
        <ErrorAlert error={current.error ?? save.error} title="Site restrictions" />
        <ErrorAlert error={sites.error} title="The study sites could not be listed; enter site ids instead" />
        {byName ? (
          <MultiSelect
            label="Sites"
            placeholder={value.length === 0 ? 'All sites' : undefined}
            description="Pick sites by name; type to search"
            data={choicesOf(sites.data ?? [], value)}
            value={value}
            disabled={!manage}
            searchable
            clearable
            hidePickedOptions
            nothingFoundMessage="No site by that name"
            onChange={setDraft}
          />
        ) : (
          <TagsInput
            label="Site ids"
            description={
              studies
                ? 'Type a site id and press Enter'
                : 'Choosing sites by name needs the studies.view role action; type a site id and press Enter'
            }
            value={value}
            disabled={!manage}
            onChange={(ids) => {
              setDraft(ids.filter((id) => /^\d+$/.test(id)))
            }}
          />
        )}
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
