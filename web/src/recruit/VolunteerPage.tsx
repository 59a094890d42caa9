import { Accordion, Alert, Anchor, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { Link, useParams } from 'react-router'
import { Diff } from '../audit/Diff'
import { can, useMe } from '../session/hooks'
import { ScrollRegion } from '../performance/ScrollRegion'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDate, formatDateTime } from '../ui/format'
import { PageHeader } from '../ui/PageHeader'
import { Tag } from '../ui/Tag'
import { Empty, Loading } from '../ui/states'
import { useStudies, useVolunteer, useVolunteerHistory } from './hooks'
import { useSiteNames } from './VolunteersPage'

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm">
      <strong>{label}:</strong> {children}
    </Text>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder component="section" aria-label={title}>
      <Title order={2} size="h4" mb="xs">
        {title}
      </Title>
      {children}
    </Card>
  )
}

function History({ volunteerId }: { volunteerId: number }) {
  const me = useMe()
  const allowed = can(me.data, 'audit.view')
  const history = useVolunteerHistory(volunteerId, allowed)
  if (!allowed)
    return <Text size="sm">The history is the audit trail, which needs the audit.view role action.</Text>
  if (history.isPending) return <Loading label="Loading the history…" />
  if (history.error) return <ErrorAlert error={history.error} title="The history could not be loaded" />
  if (history.data.items.length === 0) return <Empty title="No history" />
  return (
    <Accordion variant="separated" multiple aria-label="History">
      {history.data.items.map((r) => (
        <Accordion.Item key={r.seq} value={String(r.seq)}>
          <Accordion.Control aria-label={`History ${r.seq}: ${r.action}`}>
            <Group gap="xs">
              <Text size="sm" miw={160}>
                {formatDateTime(r.at)}
              </Text>
              <Tag tone="info">{r.action}</Tag>
              <Text size="sm">
                by {r.actor.kind === 'token' ? 'API token' : r.actor.kind}
                {r.actor.userId !== null ? ` (user #${r.actor.userId})` : ''}
              </Text>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <Diff before={r.before} after={r.after} label={`Changes in record ${r.seq}`} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  )
}

/** `/recruit/volunteers/:volunteerId`: one volunteer, their answers, interests, bookings and history. */
export function VolunteerPage() {
  const volunteerId = Number(useParams().volunteerId)
  const v = useVolunteer(volunteerId)
  const studies = useStudies()
  const studyItems = studies.data?.items ?? []
  const studyName = new Map(studyItems.map((s) => [s.id, `${s.protocol} · ${s.name}`]))
  const siteNames = useSiteNames(studyItems.map((s) => s.id))
  const site = (id: number | null) => (id === null ? '—' : (siteNames.get(id) ?? `site ${id}`))
  if (v.isPending) return <Loading label="Loading the volunteer…" />
  if (v.error)
    return (
      <Stack>
        <ErrorAlert error={v.error} title="The volunteer could not be loaded" />
        <Text size="sm">A volunteer of a site you may not see answers as if absent.</Text>
        <Anchor component={Link} to="/recruit/volunteers">
          Back to volunteers
        </Anchor>
      </Stack>
    )
  const d = v.data
  const address = [
    d.address.line1,
    d.address.line2,
    d.address.city,
    d.address.region,
    d.address.postalCode,
    d.address.country,
  ]
    .filter(Boolean)
    .join(', ')
  return (
    <>
      <PageHeader
        title={`${d.firstName} ${d.lastName}`}
        description={`Volunteer ${d.volunteerId}, registered ${formatDate(d.createdAt)}`}
      />
      <Stack>
        <Anchor component={Link} to="/recruit/volunteers">
          Back to volunteers
        </Anchor>
        <Section title="Details">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4}>
            <Field label="Email">{d.email ?? '—'}</Field>
            <Field label="Phone">{d.phone ?? '—'}</Field>
            <Field label="Born">{formatDate(d.dateOfBirth)}</Field>
            <Field label="Sex">{d.sex}</Field>
            <Field label="Address">{address || '—'}</Field>
            <Field label="Preferred site">{site(d.sitePreferenceId)}</Field>
            <Field label="Height">{d.heightCm === null ? '—' : `${d.heightCm} cm`}</Field>
            <Field label="Weight">{d.weightKg === null ? '—' : `${d.weightKg} kg`}</Field>
            <Field label="Healthy volunteer">
              {d.healthyVolunteer === null ? '—' : d.healthyVolunteer ? 'yes' : 'no'}
            </Field>
            <Field label="Consents to contact">{d.consentToContact ? 'yes' : 'no'}</Field>
            <Field label="Source">{d.source ?? '—'}</Field>
            <Field label="Last changed">{formatDateTime(d.updatedAt)}</Field>
          </SimpleGrid>
        </Section>
        <Section title="Answers">
          {d.answers.length === 0 ? (
            <Text size="sm">No answers.</Text>
          ) : (
            <Table aria-label="Answers" verticalSpacing={4}>
              <Table.Tbody>
                {d.answers.map((a) => (
                  <Table.Tr key={a.question}>
                    <Table.Th scope="row" fw={400}>
                      {a.question}
                    </Table.Th>
                    <Table.Td fw={700}>
                      {typeof a.answer === 'boolean' ? (a.answer ? 'yes' : 'no') : String(a.answer)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
        <Section title="Interests">
          {d.interests.length === 0 ? (
            <Text size="sm">No interest expressed.</Text>
          ) : (
            <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
              {d.interests.map((i) => (
                <Text component="li" size="sm" key={i.interestId}>
                  <Anchor component={Link} to={`/recruit/studies/${i.studyId}`}>
                    {studyName.get(i.studyId) ?? `study ${i.studyId}`}
                  </Anchor>
                  {i.cohortId !== null ? `, cohort ${i.cohortId}` : ''} · {formatDateTime(i.createdAt)}
                </Text>
              ))}
            </Stack>
          )}
        </Section>
        <Section title="Bookings">
          {d.appointments.length === 0 ? (
            <Text size="sm">No screening bookings.</Text>
          ) : (
            <ScrollRegion label="Bookings table">
              <Table miw={560} aria-label="Bookings" verticalSpacing={4} striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Slot</Table.Th>
                    <Table.Th scope="col">Study</Table.Th>
                    <Table.Th scope="col">Site</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.appointments.map((b) => (
                    <Table.Tr key={b.bookingId}>
                      <Table.Td>{formatDateTime(b.start)}</Table.Td>
                      <Table.Td>{studyName.get(b.studyId) ?? `study ${b.studyId}`}</Table.Td>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          to={`/recruit/studies/${b.studyId}/sites/${b.siteId}/slots?week=${b.start.slice(0, 10)}`}
                        >
                          {site(b.siteId)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        {b.status === 'booked' ? (
                          <Tag tone="good">booked</Tag>
                        ) : (
                          <Tag tone="neutral">{b.status}</Tag>
                        )}
                        {b.cancelReason ? ` ${b.cancelReason}` : ''}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollRegion>
          )}
        </Section>
        <Section title="History">
          <History volunteerId={d.volunteerId} />
        </Section>
        {!d.consentToContact && (
          <Alert color="gray" title="No contact">
            This volunteer has not consented to be contacted.
          </Alert>
        )}
      </Stack>
    </>
  )
}
