import { Anchor, Button, Code, Group, List, Paper, Progress, Stack, Table, Text } from '@mantine/core'
import { Link, useParams } from 'react-router'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDateTime } from '../ui/format'
import { PageHeader } from '../ui/PageHeader'
import { Loading } from '../ui/states'
import { isActive, useCatalogue, useJob, useReportStudies } from './hooks'
import { JobStatus, sizeOf, studyLabel } from './JobsTable'
import { FORMAT_LABELS, labelOf, searchOf } from './params'

const shown = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v === '\t' ? 'tab' : String(v))

/** `/reports/jobs/:jobId`: a job's status and progress while it runs, its download once done (a link to share). */
export function JobPage() {
  const id = Number(useParams().jobId)
  const valid = Number.isSafeInteger(id) && id > 0
  const job = useJob(valid ? id : 0)
  const catalogue = useCatalogue()
  const studies = useReportStudies()

  if (!valid) return <Text>There is no job at this address.</Text>
  if (job.isPending) return <Loading label="Loading the job…" />
  if (job.error)
    return (
      <ErrorAlert
        error={job.error}
        title={`Job ${id} could not be loaded`}
        onRetry={() => void job.refetch()}
      />
    )
  const j = job.data
  const report = catalogue.data?.reports.find((r) => r.name === j.reportName)
  const running = isActive(j)
  return (
    <Stack gap="md">
      <PageHeader
        title={`Report job ${j.id}`}
        description={`${report?.title ?? j.reportName} · ${studyLabel(j, studies.data?.items)} · ${FORMAT_LABELS[j.format] ?? j.format}`}
      >
        <Anchor component={Link} to="/reports" size="sm">
          All reports and jobs
        </Anchor>
      </PageHeader>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Group gap="sm">
            <JobStatus job={j} />
            <Text size="sm" role="status" aria-live="polite">
              {j.status === 'queued'
                ? 'Waiting for a free runner…'
                : j.status === 'running'
                  ? `${j.rows.toLocaleString('en-US')} rows so far`
                  : j.status === 'succeeded'
                    ? `Done: ${j.rows.toLocaleString('en-US')} rows, ${sizeOf(j.sizeBytes)}`
                    : j.status === 'failed'
                      ? 'The job failed.'
                      : 'The result has expired.'}
            </Text>
          </Group>
          {running && (
            <Progress value={100} striped animated aria-label={`Job ${j.id} is ${j.status}`} size="sm" />
          )}
          {j.errors.length > 0 && (
            <List size="sm" c="red.9">
              {j.errors.map((e) => (
                <List.Item key={e}>{e}</List.Item>
              ))}
            </List>
          )}
          <Group>
            {j.resultUrl && (
              <Button component="a" href={j.resultUrl} download>
                Download the result
              </Button>
            )}
            <Button
              component={Link}
              to={`/reports/${j.reportName}?${searchOf(j.parameters)}`}
              variant="default"
            >
              Run again with these parameters
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Table.ScrollContainer minWidth={320}>
        <Table withTableBorder fz="sm" aria-label={`Job ${j.id}: parameters and times`} maw={720}>
          <Table.Tbody>
            {Object.entries(j.parameters)
              .filter(([name]) => name !== 'reportName')
              .map(([name, v]) => (
                <Table.Tr key={name}>
                  <Table.Th scope="row" w={220}>
                    {labelOf(name)}
                  </Table.Th>
                  <Table.Td>
                    <Code>{name === 'studyId' ? studyLabel(j, studies.data?.items) : shown(v)}</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            {(
              [
                ['Submitted', j.createdAt],
                ['Started', j.startedAt],
                ['Finished', j.finishedAt],
                ['Result kept until', j.expiresAt],
              ] as const
            ).map(([label, at]) => (
              <Table.Tr key={label}>
                <Table.Th scope="row">{label}</Table.Th>
                <Table.Td>{formatDateTime(at)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  )
}
