import { Button, Group, Stack, Table, Text, TextInput } from '@mantine/core'
import { useState } from 'react'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Empty, Loading } from '../ui/states'
import { useCohorts, useCreateCohort, useDeleteCohort } from './hooks'

export function CohortsPanel({ studyId }: { studyId: number }) {
  const me = useMe()
  const manage = can(me.data, 'studies.manage')
  const cohorts = useCohorts(studyId)
  const create = useCreateCohort(studyId)
  const remove = useDeleteCohort(studyId)
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  return (
    <Stack>
      {cohorts.isPending ? (
        <Loading label="Loading cohorts…" />
      ) : cohorts.error ? (
        <ErrorAlert error={cohorts.error} title="The cohorts could not be loaded" />
      ) : cohorts.data.length === 0 ? (
        <Empty title="No cohorts">Volunteers express interest in the study as a whole.</Empty>
      ) : (
        <Table striped aria-label="Cohorts" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Cohort</Table.Th>
              <Table.Th scope="col">Description</Table.Th>
              {manage && <Table.Th scope="col">Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cohorts.data.map((c) => (
              <Table.Tr key={c.cohortId}>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>{c.description ?? '—'}</Table.Td>
                {manage && (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Delete cohort ${c.name}`}
                      loading={remove.isPending && remove.variables === c.cohortId}
                      onClick={() => {
                        remove.mutate(c.cohortId)
                      }}
                    >
                      Delete
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ErrorAlert error={remove.error} title="The cohort was not deleted" />
      {manage && (
        <form
          aria-label="Add a cohort"
          onSubmit={(e) => {
            e.preventDefault()
            create.mutate(
              { name, description: description.trim() === '' ? null : description },
              {
                onSuccess: () => {
                  setName('')
                  setDescription('')
                },
              },
            )
          }}
        >
          <Group align="flex-end" gap="sm">
            <TextInput
              label="Cohort name"
              required
              maxLength={200}
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value)
              }}
            />
            <TextInput
              label="Description"
              maxLength={2000}
              value={description}
              onChange={(e) => {
                setDescription(e.currentTarget.value)
              }}
            />
            <Button type="submit" loading={create.isPending}>
              Add cohort
            </Button>
          </Group>
          <ErrorAlert error={create.error} title="The cohort was not added" />
        </form>
      )}
      {!manage && (
        <Text size="sm" c="dimmed">
          Changing cohorts needs the studies.manage role action.
        </Text>
      )}
    </Stack>
  )
}
