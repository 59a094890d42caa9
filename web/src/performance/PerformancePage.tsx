import {
  Anchor,
  Badge,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { createContext, useContext } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { useTenant } from '../admin/tenant-hooks'
import type { Body } from '../api/types'
import { can, useMe } from '../session/hooks'
import { useStudies } from '../track/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Empty, Loading } from '../ui/states'
import { usePerformance, type Figures, type Performance } from './hooks'
import { SCurve } from './SCurve'
import { ScrollRegion } from './ScrollRegion'

/**
 * Where an index stands against the tenant's thresholds (tenant settings; the server's defaults until changed): SPI
 * and CPI at or above `green` are on track, at or above `amber` to watch, below off track; TCPI, the efficiency
 * still needed, the other way round.
 */
type Standing = { color: 'green' | 'yellow' | 'red'; word: string }
type Kind = 'spi' | 'cpi' | 'tcpi'
export type Thresholds = Body<'getTenantSettings'>['evThresholds']
function standing(kind: Kind, v: number | null, t: Thresholds): Standing | undefined {
  if (v === null) return undefined
  const band = t[kind]
  const good = kind === 'tcpi' ? v <= band.green : v >= band.green
  const fair = kind === 'tcpi' ? v <= band.amber : v >= band.amber
  if (good) return { color: 'green', word: 'on track' }
  if (fair) return { color: 'yellow', word: 'watch' }
  return { color: 'red', word: 'off track' }
}
const ThresholdsContext = createContext<Thresholds | undefined>(undefined)

const moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const indexFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const percentFormat = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
})
export const money = (v: number | null) => (v === null ? '—' : moneyFormat.format(v))
export const index = (v: number | null) => (v === null ? '—' : indexFormat.format(v))
export const percent = (v: number | null) => (v === null ? '—' : percentFormat.format(v))

const COLUMNS: { key: keyof Figures; label: string; kind: 'money' | 'index' | 'percent' }[] = [
  { key: 'bac', label: 'BAC', kind: 'money' },
  { key: 'pv', label: 'PV', kind: 'money' },
  { key: 'ev', label: 'EV', kind: 'money' },
  { key: 'ac', label: 'AC', kind: 'money' },
  { key: 'sv', label: 'SV', kind: 'money' },
  { key: 'cv', label: 'CV', kind: 'money' },
  { key: 'spi', label: 'SPI', kind: 'index' },
  { key: 'cpi', label: 'CPI', kind: 'index' },
  { key: 'tcpi', label: 'TCPI', kind: 'index' },
  { key: 'eac', label: 'EAC', kind: 'money' },
  { key: 'etc', label: 'ETC', kind: 'money' },
  { key: 'vac', label: 'VAC', kind: 'money' },
  { key: 'percentComplete', label: '% complete', kind: 'percent' },
]

function IndexValue({ kind, value }: { kind: Kind; value: number | null }) {
  const thresholds = useContext(ThresholdsContext)
  const s = thresholds && standing(kind, value, thresholds)
  if (!s) return <>{index(value)}</>
  return (
    <Badge
      color={s.color}
      variant="light"
      c={s.color === 'yellow' ? 'dark' : `${s.color}.9`}
      tt="none"
      data-standing={s.color}
    >
      {index(value)} · {s.word}
    </Badge>
  )
}

function cellOf(f: Figures, c: (typeof COLUMNS)[number]) {
  const v = f[c.key]
  if (c.key === 'spi' || c.key === 'cpi' || c.key === 'tcpi') return <IndexValue kind={c.key} value={v} />
  return c.kind === 'money' ? money(v) : c.kind === 'percent' ? percent(v) : index(v)
}

/** Each row's figures under the API's names, one column per figure (the same numbers `/performance` answers). */
function FiguresTable({ caption, rows }: { caption: string; rows: { name: string; figures: Figures }[] }) {
  return (
    <ScrollRegion label={caption}>
      <Table striped withTableBorder fz="sm" aria-label={caption} miw={1100}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            {COLUMNS.map((c) => (
              <Table.Th key={c.key} ta="right">
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.name}>
              <Table.Th scope="row" fw={500}>
                {r.name}
              </Table.Th>
              {COLUMNS.map((c) => (
                <Table.Td key={c.key} ta="right">
                  {cellOf(r.figures, c)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollRegion>
  )
}

function Headline({ plan }: { plan: Figures }) {
  const items: { label: string; value: React.ReactNode }[] = [
    { label: 'SPI', value: <IndexValue kind="spi" value={plan.spi} /> },
    { label: 'CPI', value: <IndexValue kind="cpi" value={plan.cpi} /> },
    { label: 'TCPI', value: <IndexValue kind="tcpi" value={plan.tcpi} /> },
    { label: '% complete', value: percent(plan.percentComplete) },
    { label: 'SV', value: money(plan.sv) },
    { label: 'CV', value: money(plan.cv) },
    { label: 'EAC', value: money(plan.eac) },
    { label: 'ETC', value: money(plan.etc) },
    { label: 'VAC', value: money(plan.vac) },
    { label: 'BAC', value: money(plan.bac) },
  ]
  return (
    <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs" component="dl" m={0}>
      {items.map((i) => (
        <Paper key={i.label} withBorder p="xs">
          <Text component="dt" size="xs" fw={600}>
            {i.label}
          </Text>
          <Text component="dd" m={0} fw={700}>
            {i.value}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  )
}

function SeriesTable({ data }: { data: Performance }) {
  return (
    <ScrollRegion label="Cumulative PV, EV and AC per period" maxHeight={280}>
      <Table striped withTableBorder fz="sm" aria-label="Cumulative PV, EV and AC per period" miw={480}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Period</Table.Th>
            <Table.Th ta="right">Cum. PV</Table.Th>
            <Table.Th ta="right">Cum. EV</Table.Th>
            <Table.Th ta="right">Cum. AC</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.series.map((s) => (
            <Table.Tr key={s.startDate}>
              <Table.Th scope="row" fw={500}>
                {s.startDate} – {s.endDate}
              </Table.Th>
              <Table.Td ta="right">{money(s.pv)}</Table.Td>
              <Table.Td ta="right">{money(s.ev)}</Table.Td>
              <Table.Td ta="right">{money(s.ac)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollRegion>
  )
}

const today = () => new Date().toISOString().slice(0, 10)

/** Earned value of a baseline plan at a status date, at `/performance/:planId?date=YYYY-MM-DD` (a link to share). */
export function PerformancePage() {
  const params = useParams()
  const [search, setSearch] = useSearchParams()
  const navigate = useNavigate()
  const studies = useStudies()
  const planId = Number(params.planId)
  const hasPlan = Number.isSafeInteger(planId) && planId > 0
  const statusDate = search.get('date') ?? today()
  const performance = usePerformance(hasPlan ? planId : 0, statusDate)
  const tenant = useTenant()
  const me = useMe()
  const options = (studies.data ?? [])
    .filter((s) => s.actualsPlanId !== null)
    .map((s) => ({
      value: String(s.actualsPlanId),
      label: `${s.protocol} — ${s.name} (plan ${s.actualsPlanId})`,
    }))
  const data = performance.data
  const t = tenant.data?.evThresholds
  const bands = t
    ? `Green: SPI ≥ ${index(t.spi.green)}, CPI ≥ ${index(t.cpi.green)}, TCPI ≤ ${index(t.tcpi.green)}. ` +
      `Amber: SPI ≥ ${index(t.spi.amber)}, CPI ≥ ${index(t.cpi.amber)}, TCPI ≤ ${index(t.tcpi.amber)}. Red beyond.`
    : undefined

  return (
    <ThresholdsContext.Provider value={t}>
      <Stack gap="md">
        <PageHeader
          title={hasPlan ? `Earned value · plan ${planId}` : 'Earned value'}
          description="Planned value, earned value and actual cost of a baseline plan at a status date."
        />
        <Group align="flex-end" gap="sm">
          <Select
            label="Baseline plan"
            placeholder="Pick a study's baseline plan"
            data={options}
            value={hasPlan ? String(planId) : null}
            onChange={(v) => v && void navigate(`/performance/${v}?date=${statusDate}`)}
            searchable
            allowDeselect={false}
            w={{ base: '100%', sm: 480 }}
            disabled={studies.isPending}
          />
          <TextInput
            label="Status date"
            type="date"
            value={statusDate}
            onChange={(e) => {
              if (e.target.value) setSearch({ date: e.target.value }, { replace: true, flushSync: true })
            }}
            w={180}
          />
        </Group>
        {studies.error && <ErrorAlert error={studies.error} title="The studies could not be loaded" />}
        {!hasPlan ? (
          <Text size="sm">Pick a baseline plan to see its earned value.</Text>
        ) : performance.isPending ? (
          <Loading label="Computing earned value…" />
        ) : performance.error ? (
          <ErrorAlert
            error={performance.error}
            title="The earned value could not be computed"
            onRetry={() => void performance.refetch()}
          />
        ) : !data ? null : data.series.length === 0 ? (
          <Empty title={`Plan ${planId} has no budget to earn`}>
            Earned value needs service providers with fees or costs in the plan.
          </Empty>
        ) : (
          <>
            <Headline plan={data.plan} />
            {bands && (
              <Text size="xs" c="dimmed">
                {bands}{' '}
                {me.data && can(me.data, 'admin.tenant.manage') && (
                  <Anchor component={Link} to="/admin/tenant" size="xs">
                    Change the thresholds
                  </Anchor>
                )}
              </Text>
            )}
            <Title order={2} size="h3">
              Plan
            </Title>
            <SCurve data={data} />
            <SeriesTable data={data} />
            <FiguresTable caption="Plan figures" rows={[{ name: `Plan ${planId}`, figures: data.plan }]} />
            <Title order={2} size="h3">
              By service provider
            </Title>
            <FiguresTable
              caption="Figures by service provider"
              rows={data.serviceProviders.map((p) => ({ name: p.name, figures: p }))}
            />
            <Title order={2} size="h3">
              By location
            </Title>
            <FiguresTable
              caption="Figures by location"
              rows={data.locations.map((l) => ({ name: l.locationName, figures: l }))}
            />
          </>
        )}
      </Stack>
    </ThresholdsContext.Provider>
  )
}
