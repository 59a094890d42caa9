import { Anchor, Button, Group, NumberInput, Stack, TextInput } from '@mantine/core'
import { createColumnHelper } from '@tanstack/react-table'
import { useState } from 'react'
import { Link } from 'react-router'
import { can, useMe } from '../session/hooks'
import { DataTable } from '../ui/DataTable'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Empty, Loading } from '../ui/states'
import { useCreateSite, useSites, type Site } from './hooks'

const col = createColumnHelper<Site>()
const columns = [
  col.accessor('siteId', { header: 'Site id' }),
  col.accessor('name', { header: 'Name' }),
  col.accessor('locationOid', { header: 'Location OID', cell: (c) => c.getValue() ?? '—' }),
  col.display({
    id: 'slots',
    header: 'Screening',
    cell: (c) => (
      <Anchor
        component={Link}
        to={`/recruit/studies/${c.row.original.studyId}/sites/${c.row.original.siteId}/slots`}
      >
        Slots of {c.row.original.name}
      </Anchor>
    ),
  }),
  col.display({
    id: 'volunteers',
    header: 'Volunteers',
    cell: (c) => (
      <Anchor component={Link} to={`/recruit/volunteers?siteId=${c.row.original.siteId}`}>
        Who prefer {c.row.original.name}
      </Anchor>
    ),
  }),
]

function AddSite({ studyId }: { studyId: number }) {
  const create = useCreateSite(studyId)
  const [siteId, setSiteId] = useState<string | number>('')
  const [name, setName] = useState('')
  return (
    <form
      aria-label="Add a site"
      onSubmit={(e) => {
        e.preventDefault()
        create.mutate(
          { siteId: Number(siteId), name },
          {
            onSuccess: () => {
              setSiteId('')
              setName('')
            },
          },
        )
      }}
    >
      <Stack gap="xs">
        <Group align="flex-end" gap="sm">
          <NumberInput
            label="Site id"
            min={1}
            allowDecimal={false}
            w={120}
            value={siteId}
            onChange={setSiteId}
            required
          />
          <TextInput
            label="Site name"
            maxLength={200}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value)
            }}
            required
          />
          <Button type="submit" loading={create.isPending}>
            Add site
          </Button>
        </Group>
        <ErrorAlert error={create.error} title="The site was not added" />
      </Stack>
    </form>
  )
}

export function SitesPanel({ studyId }: { studyId: number }) {
  const me = useMe()
  const sites = useSites(studyId)
  return (
    <Stack>
      {sites.isPending ? (
        <Loading label="Loading sites…" />
      ) : sites.error ? (
        <ErrorAlert error={sites.error} title="The sites could not be loaded" />
      ) : sites.data.length === 0 ? (
        <Empty title="No sites">This study recruits at no site yet.</Empty>
      ) : (
        <DataTable caption="Sites" rows={sites.data} columns={columns} rowKey={(s) => s.siteId} />
      )}
      {can(me.data, 'studies.manage') && <AddSite studyId={studyId} />}
    </Stack>
  )
}
