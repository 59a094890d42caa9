import { Anchor, Button, Table, Text } from '@mantine/core'
import { Link } from 'react-router'
import { formatDateTime } from '../ui/format'
import { Tag } from '../ui/Tag'
import type { Job, ReportInfo, ReportStudy } from './hooks'
import { FORMAT_LABELS } from './params'

const TONES = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'good',
  failed: 'bad',
  expired: 'neutral',
} as const

export function JobStatus({ job }: { job: Pick<Job, 'status'> }) {
  return <Tag tone={TONES[job.status]}>{job.status}</Tag>
}

export function studyLabel(
  job: Pick<Job, 'parameters'>,
  studies: readonly ReportStudy[] | undefined,
): string {
  const id = job.parameters.studyId
  const found = typeof id === 'number' ? studies?.find((s) => s.id === id) : undefined
  if (found) return found.protocol
  const name = job.parameters.studyName
  return typeof name === 'string' ? name : typeof id === 'number' ? `study ${id}` : '—'
}

export const sizeOf = (bytes: number | null) =>
  bytes === null
    ? '—'
    : bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 * 1024
        ? `${(bytes / 1024).toFixed(1)} KB`
        : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** The user's recent jobs: what, on which study, how far, and the download once done. */
export function JobsTable({
  jobs,
  reports,
  studies,
}: {
  jobs: readonly Job[]
  reports: readonly ReportInfo[]
  studies: readonly ReportStudy[] | undefined
}) {
  const title = (name: string) => reports.find((r) => r.name === name)?.title ?? name
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped verticalSpacing="xs" aria-label="Your recent report jobs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Job</Table.Th>
            <Table.Th scope="col">Report</Table.Th>
            <Table.Th scope="col">Study</Table.Th>
            <Table.Th scope="col">Format</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col" ta="right">
              Rows
            </Table.Th>
            <Table.Th scope="col">Submitted</Table.Th>
            <Table.Th scope="col">Result</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((j) => (
            <Table.Tr key={j.id}>
              <Table.Td>
                <Anchor component={Link} to={`/reports/jobs/${j.id}`}>
                  Job {j.id}
                </Anchor>
              </Table.Td>
              <Table.Td>{title(j.reportName)}</Table.Td>
              <Table.Td>{studyLabel(j, studies)}</Table.Td>
              <Table.Td>{FORMAT_LABELS[j.format] ?? j.format}</Table.Td>
              <Table.Td>
                <JobStatus job={j} />
              </Table.Td>
              <Table.Td ta="right">{j.rows.toLocaleString('en-US')}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(j.createdAt)}
                </Text>
              </Table.Td>
              <Table.Td>
                {j.resultUrl ? (
                  <Button
                    component="a"
                    href={j.resultUrl}
                    download
                    size="compact-sm"
                    variant="light"
                    aria-label={`Download the result of job ${j.id}`}
                  >
                    Download
                  </Button>
                ) : (
                  <Text size="sm" c="dimmed">
                    {j.status === 'failed'
                      ? (j.errors[0] ?? 'failed')
                      : j.status === 'expired'
                        ? 'expired'
                        : '—'}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}
