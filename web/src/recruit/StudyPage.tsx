import { Anchor, Group, Stack, Tabs, Text } from '@mantine/core'
import { Link, useNavigate, useParams } from 'react-router'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Loading } from '../ui/states'
import { CohortsPanel } from './CohortsPanel'
import { FunnelPanel } from './FunnelPanel'
import { ProfilePanel } from './ProfilePanel'
import { SitesPanel } from './SitesPanel'
import { useStudy } from './hooks'

const TABS = [
  { value: 'profile', label: 'Recruitment profile' },
  { value: 'sites', label: 'Sites and slots' },
  { value: 'cohorts', label: 'Cohorts' },
  { value: 'funnel', label: 'Funnel' },
] as const
type Tab = (typeof TABS)[number]['value']

/** `/recruit/studies/:studyId/:tab?`: one study's recruitment, a tab per part, each tab its own address. */
export function StudyPage() {
  const params = useParams()
  const navigate = useNavigate()
  const studyId = Number(params.studyId)
  const tab: Tab = TABS.find((t) => t.value === params.tab)?.value ?? 'profile'
  const study = useStudy(studyId)
  if (!Number.isInteger(studyId) || studyId < 1)
    return <ErrorAlert error={new Error('This address names no study.')} title="No such study" />
  if (study.isPending) return <Loading label="Loading the study…" />
  if (study.error) return <ErrorAlert error={study.error} title="The study could not be loaded" />
  const s = study.data.data
  return (
    <>
      <PageHeader
        title={`${s.protocol} · ${s.name}`}
        description={[s.phase, s.sponsor, s.status].filter(Boolean).join(' · ')}
      />
      <Stack>
        <Group>
          <Anchor component={Link} to="/recruit/studies">
            All studies
          </Anchor>
          <Anchor component={Link} to={`/recruit/volunteers?studyId=${studyId}`}>
            Volunteers interested in this study
          </Anchor>
        </Group>
        <Tabs
          value={tab}
          onChange={(v) => {
            if (v) void navigate(`/recruit/studies/${studyId}/${v}`)
          }}
          keepMounted={false}
        >
          <Tabs.List>
            {TABS.map((t) => (
              <Tabs.Tab key={t.value} value={t.value}>
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value="profile" pt="md">
            <ProfilePanel study={study.data} />
          </Tabs.Panel>
          <Tabs.Panel value="sites" pt="md">
            <SitesPanel studyId={studyId} />
          </Tabs.Panel>
          <Tabs.Panel value="cohorts" pt="md">
            <CohortsPanel studyId={studyId} />
          </Tabs.Panel>
          <Tabs.Panel value="funnel" pt="md">
            <FunnelPanel studyId={studyId} />
          </Tabs.Panel>
        </Tabs>
        {s.description && (
          <Text size="sm" c="dimmed">
            {s.description}
          </Text>
        )}
      </Stack>
    </>
  )
}
