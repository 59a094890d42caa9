import {
  Alert,
  Button,
  Group,
  List,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core'
import { useState } from 'react'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { formatDateTime } from '../ui/format'
import { Loading } from '../ui/states'
import { RecruitingTag } from './RecruitingTag'
import { usePutProfile, useProfile, type Profile, type ProfileInput, type Study } from './hooks'

const STATUSES = ['not-recruiting', 'recruiting', 'paused', 'closed'] as const

/** The PUT body that keeps every field of `p` and changes those in `change` (the API replaces the whole profile). */
function inputOf(p: Profile, change: Partial<ProfileInput>): ProfileInput {
  return {
    status: p.status,
    publicTitle: p.publicTitle,
    publicDescription: p.publicDescription,
    minAge: p.minAge,
    maxAge: p.maxAge,
    sex: p.sex,
    minBmi: p.minBmi,
    maxBmi: p.maxBmi,
    healthyVolunteers: p.healthyVolunteers,
    requiredAnswers: p.requiredAnswers,
    compensation: p.compensation,
    ...change,
  }
}

const orNull = (s: string) => (s.trim() === '' ? null : s)

function Eligibility({ p }: { p: Profile }) {
  const range = (lo: number | null, hi: number | null, unit: string) =>
    lo === null && hi === null ? 'any' : `${lo ?? '…'}–${hi ?? '…'}${unit}`
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
      <Text size="sm">
        <strong>Age:</strong> {range(p.minAge, p.maxAge, ' years')}
      </Text>
      <Text size="sm">
        <strong>BMI:</strong> {range(p.minBmi, p.maxBmi, '')}
      </Text>
      <Text size="sm">
        <strong>Sex:</strong> {p.sex ?? 'any'}
      </Text>
      <Text size="sm">
        <strong>Volunteers:</strong>{' '}
        {p.healthyVolunteers === null
          ? 'healthy or patients'
          : p.healthyVolunteers
            ? 'healthy only'
            : 'patients only'}
      </Text>
      <div>
        <Text size="sm" fw={700}>
          Required answers
        </Text>
        {p.requiredAnswers.length === 0 ? (
          <Text size="sm">none</Text>
        ) : (
          <List size="sm">
            {p.requiredAnswers.map((a) => (
              <List.Item key={a.question}>
                {a.question} → {String(a.answer)}
              </List.Item>
            ))}
          </List>
        )}
      </div>
    </SimpleGrid>
  )
}

function ProfileForm({ profile, put }: { profile: Profile; put: ReturnType<typeof usePutProfile> }) {
  const [status, setStatus] = useState(profile.status)
  const [title, setTitle] = useState(profile.publicTitle ?? '')
  const [description, setDescription] = useState(profile.publicDescription ?? '')
  const [compensation, setCompensation] = useState(profile.compensation ?? '')
  return (
    <form
      aria-label="Recruitment profile"
      onSubmit={(e) => {
        e.preventDefault()
        put.mutate(
          inputOf(profile, {
            status,
            publicTitle: orNull(title),
            publicDescription: orNull(description),
            compensation: orNull(compensation),
          }),
        )
      }}
    >
      <Stack gap="sm" maw={720}>
        <Select
          label="Recruiting status"
          description="Only recruiting studies are offered to the website"
          data={[...STATUSES]}
          value={status}
          allowDeselect={false}
          onChange={(v) => {
            const s = STATUSES.find((x) => x === v)
            if (s) setStatus(s)
          }}
        />
        <TextInput
          label="Public title"
          maxLength={300}
          value={title}
          onChange={(e) => {
            setTitle(e.currentTarget.value)
          }}
        />
        <Textarea
          label="Public description"
          autosize
          minRows={3}
          maxLength={10000}
          value={description}
          onChange={(e) => {
            setDescription(e.currentTarget.value)
          }}
        />
        <TextInput
          label="Compensation"
          maxLength={2000}
          value={compensation}
          onChange={(e) => {
            setCompensation(e.currentTarget.value)
          }}
        />
        <ErrorAlert error={put.error} title="The profile was not saved" />
        {put.isSuccess && (
          <Alert color="green" title="Profile saved" role="status">
            The website shows the new text from now on.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={put.isPending}>
            Save profile
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

/** A study's recruitment profile; editable with `studies.manage`. */
export function ProfilePanel({ study }: { study: { data: Study } }) {
  const me = useMe()
  const studyId = study.data.id
  const profile = useProfile(studyId)
  // Held here, not in the form: a save changes updatedAt, which remounts the form with the saved values.
  const put = usePutProfile(studyId)
  if (profile.isPending) return <Loading label="Loading the recruitment profile…" />
  if (profile.error) return <ErrorAlert error={profile.error} title="The profile could not be loaded" />
  const p = profile.data
  return (
    <Stack>
      <Group gap="xs">
        <RecruitingTag status={p.status} />
        <Text size="sm" c="dimmed">
          Last changed {formatDateTime(p.updatedAt, 'never')}
        </Text>
      </Group>
      {can(me.data, 'studies.manage') ? (
        <ProfileForm key={p.updatedAt ?? 'new'} profile={p} put={put} />
      ) : (
        <Stack gap={4}>
          <Text fw={700}>{p.publicTitle ?? 'No public title'}</Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {p.publicDescription ?? 'No public description.'}
          </Text>
          <Text size="sm">
            <strong>Compensation:</strong> {p.compensation ?? '—'}
          </Text>
        </Stack>
      )}
      <Text fw={700} mt="sm">
        Eligibility
      </Text>
      <Eligibility p={p} />
    </Stack>
  )
}
