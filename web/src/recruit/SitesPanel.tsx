import { Anchor, Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { createColumnHelper } from '@tanstack/react-table'
import { useMemo, useState } from 'react'
import { Link } from 'react-router'
import { can, useMe } from '../session/hooks'
import { DataTable } from '../ui/DataTable'
import { ErrorAlert } from '../ui/ErrorAlert'
import { FormActions } from '../ui/form'
import { Empty, Loading } from '../ui/states'
import { useCreateSite, useDeleteSite, useSites, type Site } from './hooks'

const col = createColumnHelper<Site>()
const COLUMNS = [
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

/**
 * Asks before removing a site from the study; the server refuses while the site has screening slots (booked or
 * not), and the dialog then says so in the server's words.
 */
function RemoveSiteDialog({
  studyId,
  site,
  onClose,
}: {
  studyId: number
  site: Site | undefined
  onClose: () => void
}) {
  const remove = useDeleteSite(studyId)
  const close = () => {
    remove.reset()
    onClose()
  }
  return (
    <Modal opened={site !== undefined} onClose={close} title={`Remove ${site?.name ?? 'site'}`}>
      {site && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            remove.mutate(site.siteId, {
              onSuccess: () => {
                notifications.show({ color: 'green', message: `${site.name} removed from the study` })
                close()
              },
            })
          }}
        >
          <Stack>
            <Text size="sm">
              {site.name} (site {site.siteId}) stops recruiting for this study. A site with screening slots
              cannot be removed: remove its slots first. Volunteers keep the site they prefer.
            </Text>
            <ErrorAlert error={remove.error} title="The site was not removed" />
            <FormActions submit="Remove site" onCancel={close} pending={remove.isPending} />
          </Stack>
        </form>
      )}
    </Modal>
  )
}

export function SitesPanel({ studyId }: { studyId: number }) {
  const me = useMe()
  const sites = useSites(studyId)
  const manage = can(me.data, 'studies.manage')
  const [removing, setRemoving] = useState<Site | undefined>()
  const columns = useMemo(
    () =>
      manage
        ? [
            ...COLUMNS,
            col.display({
              id: 'remove',
              header: 'Actions',
              cell: (c) => (
                <Button
                  size="xs"
                  variant="default"
                  aria-label={`Remove site ${c.row.original.name}`}
                  onClick={() => {
                    setRemoving(c.row.original)
                  }}
                >
                  Remove
                </Button>
              ),
            }),
          ]
        : COLUMNS,
    [manage],
  )
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
      {manage && <AddSite studyId={studyId} />}
      {manage && (
        <RemoveSiteDialog
          studyId={studyId}
          site={removing}
          onClose={() => {
            setRemoving(undefined)
          }}
        />
      )}
    </Stack>
  )
}
