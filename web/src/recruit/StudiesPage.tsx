import { Anchor, Button, Stack, Text } from '@mantine/core'
import { createColumnHelper } from '@tanstack/react-table'
import { Link } from 'react-router'
import { DataTable } from '../ui/DataTable'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Empty, Loading } from '../ui/states'
import { RecruitingTag } from './RecruitingTag'
import { useProfiles, useStudies, type Profile, type Study } from './hooks'

interface Row {
  study: Study
  profile: Profile | undefined
  profileError: boolean
}
const col = createColumnHelper<Row>()
const columns = [
  col.accessor((r) => r.study.protocol, {
    id: 'protocol',
    header: 'Protocol',
    cell: (c) => (
      <Anchor component={Link} to={`/recruit/studies/${c.row.original.study.id}`}>
        {c.getValue()}
      </Anchor>
    ),
  }),
  col.accessor((r) => r.study.name, { id: 'name', header: 'Name' }),
  col.accessor((r) => r.study.status, { id: 'status', header: 'Study status' }),
  col.display({
    id: 'recruiting',
    header: 'Recruitment',
    cell: (c) =>
      c.row.original.profile ? (
        <RecruitingTag status={c.row.original.profile.status} />
      ) : c.row.original.profileError ? (
        'could not load'
      ) : (
        '…'
      ),
  }),
  col.display({
    id: 'title',
    header: 'Public title',
    cell: (c) => c.row.original.profile?.publicTitle ?? '—',
  }),
]

/** The tenant's studies with their recruitment status and public title. */
export function StudiesPage() {
  const studies = useStudies()
  const items = studies.data?.items ?? []
  const profiles = useProfiles(items.map((s) => s.id))
  return (
    <>
      <PageHeader
        title="Recruitment"
        description="Studies, what the website shows of them, sites and screening"
      >
        <Button component={Link} to="/recruit/volunteers" variant="default">
          Volunteers
        </Button>
        <Button component={Link} to="/recruit/questions" variant="default">
          Volunteer questions
        </Button>
      </PageHeader>
      <Stack>
        {studies.isPending ? (
          <Loading label="Loading studies…" />
        ) : studies.error ? (
          <ErrorAlert
            error={studies.error}
            title="The studies could not be loaded"
            onRetry={() => void studies.refetch()}
          />
        ) : items.length === 0 ? (
          <Empty title="No studies">This tenant has no studies yet.</Empty>
        ) : (
          <>
            <DataTable
              caption="Studies"
              rows={items.map((study, i) => ({
                study,
                profile: profiles[i]?.data,
                profileError: Boolean(profiles[i]?.error),
              }))}
              columns={columns}
              rowKey={(r) => r.study.id}
            />
            {studies.data.nextCursor && (
              <Text size="sm" c="dimmed">
                The first 500 studies are shown.
              </Text>
            )}
          </>
        )}
      </Stack>
    </>
  )
}
