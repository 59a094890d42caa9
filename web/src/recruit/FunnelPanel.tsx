import { Alert, Select, Stack, Table } from '@mantine/core'
import { useSearchParams } from 'react-router'
import { can, useMe } from '../session/hooks'
import { ScrollRegion } from '../performance/ScrollRegion'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Empty, Loading } from '../ui/states'
import { FunnelChart, STAGES } from './FunnelChart'
import { useFunnel } from './hooks'

/** The `recruitment-funnel` report of a study: a chart for one site (or all), a table of every site. */
export function FunnelPanel({ studyId }: { studyId: number }) {
  const me = useMe()
  const allowed = can(me.data, 'reports.run')
  const funnel = useFunnel(studyId, allowed)
  const [params, setParams] = useSearchParams()
  if (!allowed)
    return (
      <Alert color="gray" title="The funnel is a report">
        The recruitment funnel is the recruitment-funnel report, which needs the reports.run role action. Your
        roles do not hold it.
      </Alert>
    )
  if (funnel.isPending) return <Loading label="Running the recruitment-funnel report…" />
  if (funnel.error) return <ErrorAlert error={funnel.error} title="The funnel could not be run" />
  const rows = funnel.data
  if (rows.length === 0) return <Empty title="No figures">The report returned no rows.</Empty>
  const key = (siteId: number | null) => (siteId === null ? 'all' : String(siteId))
  const chosen = rows.find((r) => key(r.siteId) === (params.get('site') ?? 'all')) ?? rows[rows.length - 1]
  if (!chosen) return <Empty title="No figures">The report returned no rows.</Empty>
  return (
    <Stack>
      <Select
        label="Funnel of"
        w={260}
        allowDeselect={false}
        data={rows.map((r) => ({
          value: key(r.siteId),
          label: r.siteId === null ? r.siteName : `${r.siteName} (site ${r.siteId})`,
        }))}
        value={key(chosen.siteId)}
        onChange={(v) => {
          setParams(v && v !== 'all' ? { site: v } : {}, { replace: true })
        }}
      />
      <Stack gap="lg">
        <FunnelChart row={chosen} />
        <ScrollRegion label="Funnel table">
          <Table miw={520} striped aria-label="Recruitment funnel per site" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Site</Table.Th>
                {STAGES.map((s) => (
                  <Table.Th key={s.key} scope="col" ta="right">
                    {s.label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={key(r.siteId)} fw={r.siteId === null ? 700 : undefined}>
                  <Table.Th scope="row" fw={r.siteId === null ? 700 : 400}>
                    {r.siteName}
                  </Table.Th>
                  {STAGES.map((s) => (
                    <Table.Td key={s.key} ta="right">
                      {r[s.key]}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      </Stack>
    </Stack>
  )
}
