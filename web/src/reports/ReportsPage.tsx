import { Anchor, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { Link } from 'react-router'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Empty, Loading } from '../ui/states'
import { useCatalogue, useMyJobs, useReportStudies } from './hooks'
import { JobsTable } from './JobsTable'
import { FORMAT_LABELS } from './params'

/** `/reports`: the reports this user may run, and their recent jobs. */
export function ReportsPage() {
  const me = useMe()
  const catalogue = useCatalogue()
  const jobs = useMyJobs()
  const studies = useReportStudies()
  const reports = (catalogue.data?.reports ?? []).filter((r) => me.data && can(me.data, r.action))

  return (
    <Stack gap="md">
      <PageHeader title="Reports" description="Run a report now, or in the background for large ones." />
      {catalogue.isPending ? (
        <Loading label="Loading the reports…" />
      ) : catalogue.error ? (
        <ErrorAlert
          error={catalogue.error}
          title="The reports could not be loaded"
          onRetry={() => void catalogue.refetch()}
        />
      ) : reports.length === 0 ? (
        <Empty title="No reports for your roles">Running a report needs the role action it names.</Empty>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
          {reports.map((r) => (
            <Card key={r.name} withBorder padding="md">
              <Title order={2} size="h4">
                <Anchor component={Link} to={`/reports/${r.name}`}>
                  {r.title}
                </Anchor>
              </Title>
              <Text size="sm" mt={4}>
                {r.description}
              </Text>
              <Text size="xs" c="dimmed" mt="xs">
                {r.formats.map((f) => FORMAT_LABELS[f] ?? f).join(' · ')}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      )}
      <Title order={2} size="h3">
        Your recent jobs
      </Title>
      {jobs.isPending ? (
        <Loading label="Loading your jobs…" />
      ) : jobs.error ? (
        <ErrorAlert
          error={jobs.error}
          title="Your jobs could not be loaded"
          onRetry={() => void jobs.refetch()}
        />
      ) : jobs.data.items.length === 0 ? (
        <Text size="sm">
          No jobs yet. A report run in the background appears here, with its download when done.
        </Text>
      ) : (
        <JobsTable
          jobs={jobs.data.items}
          reports={catalogue.data?.reports ?? []}
          studies={studies.data?.items}
        />
      )}
    </Stack>
  )
}
