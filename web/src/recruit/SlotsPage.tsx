import {
  Anchor,
  Button,
  Card,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Tag } from '../ui/Tag'
import { Loading } from '../ui/states'
import { useCreateSlot, useDeleteSlot, useSites, useSlots, useStudy, type Slot } from './hooks'
import { addDays, datesOf, daysOf, isoDay, isWeek, rangeOf, searchOf, weekOf, type Dates } from './slotDates'

const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' })
const timeLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const weekLabel = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

function SlotCard({
  slot,
  manage,
  studyId,
  siteId,
}: {
  slot: Slot
  manage: boolean
  studyId: number
  siteId: number
}) {
  const remove = useDeleteSlot(studyId, siteId)
  const start = new Date(slot.start)
  const label = `${timeLabel.format(start)}–${timeLabel.format(new Date(slot.end))}`
  return (
    <Card
      withBorder
      padding="xs"
      radius="sm"
      component="li"
      aria-label={`Slot ${dayLabel.format(start)} ${label}`}
    >
      <Text size="sm" fw={700}>
        {label}
      </Text>
      <Group gap={6} mt={4}>
        <Tag tone={slot.placesLeft === 0 ? 'bad' : 'good'}>
          {slot.placesLeft === 0 ? 'full' : `${slot.placesLeft} left`}
        </Tag>
        <Text size="xs">
          {slot.booked} of {slot.capacity} booked
        </Text>
      </Group>
      {manage && (
        <Button
          mt={6}
          size="compact-xs"
          variant="default"
          disabled={slot.booked > 0}
          title={slot.booked > 0 ? 'A booked slot cannot be removed' : undefined}
          aria-label={`Remove slot ${dayLabel.format(start)} ${label}`}
          loading={remove.isPending}
          onClick={() => {
            remove.mutate(slot.appointmentId)
          }}
        >
          Remove
        </Button>
      )}
      {remove.error && <ErrorAlert error={remove.error} title="Not removed" />}
    </Card>
  )
}

function AddSlot({ studyId, siteId, day }: { studyId: number; siteId: number; day: string }) {
  const create = useCreateSlot(studyId, siteId)
  const [date, setDate] = useState(day)
  const [from, setFrom] = useState('09:00')
  const [to, setTo] = useState('10:00')
  const [capacity, setCapacity] = useState<string | number>(4)
  return (
    <form
      aria-label="Add a slot"
      onSubmit={(e) => {
        e.preventDefault()
        create.mutate({
          start: new Date(`${date}T${from}`).toISOString(),
          end: new Date(`${date}T${to}`).toISOString(),
          capacity: Number(capacity),
        })
      }}
    >
      <Stack gap="xs">
        <Title order={2} size="h4">
          Add a slot
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
          <TextInput
            label="Date"
            type="date"
            required
            value={date}
            onChange={(e) => {
              setDate(e.currentTarget.value)
            }}
          />
          <TextInput
            label="From"
            type="time"
            required
            value={from}
            onChange={(e) => {
              setFrom(e.currentTarget.value)
            }}
          />
          <TextInput
            label="To"
            type="time"
            required
            value={to}
            onChange={(e) => {
              setTo(e.currentTarget.value)
            }}
          />
          <NumberInput
            label="Places"
            min={1}
            max={10000}
            allowDecimal={false}
            required
            value={capacity}
            onChange={setCapacity}
          />
          <Button type="submit" loading={create.isPending} style={{ alignSelf: 'flex-end' }}>
            Add slot
          </Button>
        </SimpleGrid>
        <ErrorAlert error={create.error} title="The slot was not added" />
      </Stack>
    </form>
  )
}

/** Any dates, as a form: what the address says until the user shows others. */
function DatesForm({ dates, onShow }: { dates: Dates; onShow: (from: string, to: string) => void }) {
  const [from, setFrom] = useState(isoDay(dates.first))
  const [to, setTo] = useState(isoDay(dates.last))
  return (
    <form
      aria-label="Dates"
      onSubmit={(e) => {
        e.preventDefault()
        onShow(from, to)
      }}
    >
      <Group align="flex-end" gap="sm">
        <TextInput
          label="First day"
          type="date"
          required
          value={from}
          onChange={(e) => {
            setFrom(e.currentTarget.value)
          }}
        />
        <TextInput
          label="Last day"
          type="date"
          required
          value={to}
          onChange={(e) => {
            setTo(e.currentTarget.value)
          }}
        />
        <Button type="submit" variant="default">
          Show slots
        </Button>
      </Group>
    </form>
  )
}

/** Days with no slots are listed as such up to two weeks; a longer range lists only the days that have slots. */
const ALL_DAYS_UP_TO = 14

/**
 * `/recruit/studies/:studyId/sites/:siteId/slots?from=YYYY-MM-DD&to=YYYY-MM-DD`: a site's screening slots on those
 * days (a week by default, moved a week at a time), asked of the server for those dates only.
 */
export function SlotsPage() {
  const params = useParams()
  const studyId = Number(params.studyId)
  const siteId = Number(params.siteId)
  const [search, setSearch] = useSearchParams()
  const dates = datesOf(search)
  const me = useMe()
  const manage = can(me.data, 'studies.manage')
  const study = useStudy(studyId)
  const sites = useSites(studyId)
  const slots = useSlots(studyId, siteId, rangeOf(dates))
  const site = sites.data?.find((s) => s.siteId === siteId)
  const days = daysOf(dates)
  const shift = (weeks: number) => {
    setSearch(searchOf({ first: addDays(dates.first, weeks * 7), last: addDays(dates.last, weeks * 7) }))
  }
  const siteName = site ? site.name : `site ${siteId}`
  const studyName = study.data ? study.data.data.protocol : `study ${studyId}`
  const week = isWeek(dates)
  const span = week
    ? `week of ${weekLabel.format(dates.first)}`
    : `${weekLabel.format(dates.first)} to ${weekLabel.format(dates.last)}`
  const shown = slots.data ?? []
  const byDay = (d: Date) =>
    shown
      .filter((s) => isoDay(new Date(s.start)) === isoDay(d))
      .sort((a, b) => a.start.localeCompare(b.start))
  const listed = days.length <= ALL_DAYS_UP_TO ? days : days.filter((d) => byDay(d).length > 0)
  return (
    <>
      <PageHeader title={`Screening slots · ${siteName}`} description={`${studyName}, ${span}`} />
      <Stack>
        <Group justify="space-between">
          <Anchor component={Link} to={`/recruit/studies/${studyId}/sites`}>
            Back to the sites of {studyName}
          </Anchor>
          <Group gap="xs" role="navigation" aria-label="Weeks">
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                shift(-1)
              }}
            >
              Previous week
            </Button>
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                setSearch(searchOf(weekOf(new Date())))
              }}
            >
              This week
            </Button>
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                shift(1)
              }}
            >
              Next week
            </Button>
          </Group>
        </Group>
        <DatesForm
          key={`${isoDay(dates.first)}/${isoDay(dates.last)}`}
          dates={dates}
          onShow={(from, to) => {
            setSearch({ from, to })
          }}
        />
        {slots.isPending ? (
          <Loading label="Loading slots…" />
        ) : slots.error ? (
          <ErrorAlert error={slots.error} title="The slots could not be loaded" />
        ) : (
          <>
            <Text size="sm" role="status">
              {shown.length} slot{shown.length === 1 ? '' : 's'} {week ? 'this week' : 'on these dates'},{' '}
              {shown.reduce((n, s) => n + s.placesLeft, 0)} places left.
              {listed.length < days.length && ' Only the days with slots are shown.'}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 4, lg: 7 }} spacing="xs" aria-label="Days">
              {listed.map((d) => {
                const list = byDay(d)
                return (
                  <section key={isoDay(d)} aria-label={dayLabel.format(d)}>
                    <Text fw={700} size="sm" mb={4}>
                      {dayLabel.format(d)}
                    </Text>
                    {list.length === 0 ? (
                      <Text size="xs" c="dimmed">
                        no slots
                      </Text>
                    ) : (
                      <Stack component="ul" gap={6} m={0} p={0} style={{ listStyle: 'none' }}>
                        {list.map((s) => (
                          <SlotCard
                            key={s.appointmentId}
                            slot={s}
                            manage={manage}
                            studyId={studyId}
                            siteId={siteId}
                          />
                        ))}
                      </Stack>
                    )}
                  </section>
                )
              })}
            </SimpleGrid>
          </>
        )}
        {manage && (
          <AddSlot key={isoDay(dates.first)} studyId={studyId} siteId={siteId} day={isoDay(dates.first)} />
        )}
      </Stack>
    </>
  )
}
