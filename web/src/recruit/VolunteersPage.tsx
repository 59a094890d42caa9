import { Anchor, Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import { useQueries } from '@tanstack/react-query'
import { createColumnHelper } from '@tanstack/react-table'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { DataTable } from '../ui/DataTable'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDate } from '../ui/format'
import { PageHeader } from '../ui/PageHeader'
import { Pager, useCursorPager } from '../ui/Pager'
import { Empty, Loading } from '../ui/states'
import { keys, sitesOf, useStudies, useVolunteers, type Volunteer, type VolunteerFilters } from './hooks'

const STATUSES = [
  { value: 'interested', label: 'Interested' },
  { value: 'booked', label: 'Booked for screening' },
  { value: 'screened', label: 'Screened (a subject)' },
  { value: 'enrolled', label: 'Enrolled' },
]
const FIELDS = ['q', 'siteId', 'studyId', 'status'] as const

/** Every site of the tenant's studies by its integer id (the id volunteers prefer). */
export function useSiteNames(studyIds: number[]): Map<number, string> {
  const sites = useQueries({
    queries: studyIds.map((studyId) => ({
      queryKey: keys.sites(studyId),
      queryFn: () => sitesOf(studyId),
    })),
  })
  const names = new Map<number, string>()
  for (const q of sites) for (const s of q.data ?? []) names.set(s.siteId, s.name)
  return names
}

/** `/recruit/volunteers?q=&siteId=&studyId=&status=`: search volunteers; the filters are the address. */
export function VolunteersPage() {
  const [search, setSearch] = useSearchParams()
  const filters: VolunteerFilters = {
    q: search.get('q') ?? '',
    siteId: search.get('siteId') ?? '',
    studyId: search.get('studyId') ?? '',
    status: search.get('status') ?? '',
  }
  const [draft, setDraft] = useState(filters)
  const pager = useCursorPager()
  const volunteers = useVolunteers(filters, pager.cursor)
  const studies = useStudies()
  const studyItems = studies.data?.items ?? []
  const siteNames = useSiteNames(studyItems.map((s) => s.id))
  const col = createColumnHelper<Volunteer>()
  const columns = [
    col.accessor((v) => `${v.lastName}, ${v.firstName}`, {
      id: 'name',
      header: 'Name',
      cell: (c) => (
        <Anchor component={Link} to={`/recruit/volunteers/${c.row.original.volunteerId}`}>
          {c.getValue()}
        </Anchor>
      ),
    }),
    col.accessor('email', { header: 'Email', cell: (c) => c.getValue() ?? '—' }),
    col.accessor('sitePreferenceId', {
      header: 'Preferred site',
      cell: (c) => {
        const id = c.getValue()
        return id === null ? '—' : (siteNames.get(id) ?? `site ${id}`)
      },
    }),
    col.accessor('dateOfBirth', { header: 'Born', cell: (c) => formatDate(c.getValue()) }),
    col.accessor('createdAt', { header: 'Registered', cell: (c) => formatDate(c.getValue()) }),
  ]
  const apply = (f: VolunteerFilters) => {
    const next = new URLSearchParams()
    for (const k of FIELDS) if (f[k].trim()) next.set(k, f[k].trim())
    pager.reset()
    setSearch(next)
  }
  return (
    <>
      <PageHeader
        title="Volunteers"
        description="Registered volunteers, newest first; you see those of the sites you may see"
      />
      <Stack>
        <form
          aria-label="Volunteer search"
          onSubmit={(e) => {
            e.preventDefault()
            apply(draft)
          }}
        >
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <TextInput
              label="Name or email"
              description="The start of a first name, last name or email"
              maxLength={200}
              value={draft.q}
              onChange={(e) => {
                setDraft({ ...draft, q: e.currentTarget.value })
              }}
            />
            <Select
              label="Preferred site"
              description="Sites of the tenant's studies"
              clearable
              data={[...siteNames].map(([id, name]) => ({
                value: String(id),
                label: `${name} (site ${id})`,
              }))}
              value={draft.siteId || null}
              onChange={(v) => {
                setDraft({ ...draft, siteId: v ?? '' })
              }}
            />
            <Select
              label="Study"
              description="Interested in it (or the stage below)"
              clearable
              searchable
              data={studyItems.map((s) => ({ value: String(s.id), label: `${s.protocol} · ${s.name}` }))}
              value={draft.studyId || null}
              onChange={(v) => {
                setDraft({ ...draft, studyId: v ?? '' })
              }}
            />
            <Select
              label="Status"
              description="The funnel stage reached"
              clearable
              data={STATUSES}
              value={draft.status || null}
              onChange={(v) => {
                setDraft({ ...draft, status: v ?? '' })
              }}
            />
          </SimpleGrid>
          <Group mt="sm" gap="xs">
            <Button type="submit">Search</Button>
            <Button
              variant="default"
              onClick={() => {
                const none = { q: '', siteId: '', studyId: '', status: '' }
                setDraft(none)
                apply(none)
              }}
            >
              Clear filters
            </Button>
          </Group>
        </form>
        {volunteers.isPending ? (
          <Loading label="Loading volunteers…" />
        ) : volunteers.error ? (
          <ErrorAlert
            error={volunteers.error}
            title="The volunteers could not be loaded"
            onRetry={() => void volunteers.refetch()}
          />
        ) : volunteers.data.items.length === 0 ? (
          <Empty title="No volunteers">None matches these filters among the volunteers you may see.</Empty>
        ) : (
          <>
            <DataTable
              caption="Volunteers"
              rows={volunteers.data.items}
              columns={columns}
              rowKey={(v) => v.volunteerId}
            />
            <Pager pager={pager} nextCursor={volunteers.data.nextCursor} label="Volunteers" />
          </>
        )}
        <Text size="xs" c="dimmed">
          A user restricted to some sites sees only the volunteers who prefer those sites; the server decides.
        </Text>
      </Stack>
    </>
  )
}
