import { Select, Stack, Tabs, Text } from '@mantine/core'
import { useCallback, useEffect, useState } from 'react'
import { useNavigate, useParams } from 'react-router'
import { can, useMe } from '../session/hooks'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Empty, Loading } from '../ui/states'
import { isResource, RESOURCE_LABELS, RESOURCES, type Resource } from './api'
import { useStudies } from './hooks'
import { changedCount, ResourcePanel, type Draft } from './ResourcePanel'

/**
 * Track: a study's baseline plan, one tab per resource, at `/track/:planId/:resource` (a link to share). Unsaved
 * edits of every tab are kept here, with the version they were made on, so switching tabs loses nothing.
 */
export function TrackPage() {
  const params = useParams()
  const navigate = useNavigate()
  const me = useMe()
  const studies = useStudies()
  const planId = Number(params.planId)
  const hasPlan = Number.isSafeInteger(planId) && planId > 0
  const resource: Resource = isResource(params.resource) ? params.resource : 'subjects'
  const [drafts, setDrafts] = useState<Map<string, Draft>>(new Map())
  const draftKey = `${planId}/${resource}`
  const setDraft = useCallback(
    (update: (d: Draft | undefined) => Draft | undefined) => {
      setDrafts((all) => {
        const next = new Map(all)
        const d = update(all.get(draftKey))
        if (d) next.set(draftKey, d)
        else next.delete(draftKey)
        return next
      })
    },
    [draftKey],
  )
  const unsaved = [...drafts.values()].reduce((n, d) => n + changedCount(d), 0)
  useEffect(() => {
    if (unsaved === 0) return
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault()
    }
    window.addEventListener('beforeunload', warn)
    return () => {
      window.removeEventListener('beforeunload', warn)
    }
  }, [unsaved])

  const plans = (studies.data ?? []).filter((s) => s.actualsPlanId !== null)
  const options = plans.map((s) => ({
    value: String(s.actualsPlanId),
    label: `${s.protocol} — ${s.name} (plan ${s.actualsPlanId})`,
  }))

  return (
    <Stack gap="sm">
      <PageHeader
        title={hasPlan ? `Track · plan ${planId}` : 'Track'}
        description="Planned and actual values per location and period of a study's baseline plan."
      />
      {studies.isPending ? (
        <Loading label="Loading studies…" />
      ) : studies.error ? (
        <ErrorAlert
          error={studies.error}
          title="The studies could not be loaded"
          onRetry={() => void studies.refetch()}
        />
      ) : options.length === 0 ? (
        <Empty title="No study has a baseline plan">
          Set a baseline plan for a study, then track its actuals here.
        </Empty>
      ) : (
        <Select
          label="Baseline plan"
          placeholder="Pick a study's baseline plan"
          data={options}
          value={hasPlan ? String(planId) : null}
          onChange={(v) => v && void navigate(`/track/${v}/${resource}`)}
          searchable
          maw={560}
          allowDeselect={false}
        />
      )}
      {hasPlan ? (
        <Tabs
          value={resource}
          onChange={(v) => v && void navigate(`/track/${planId}/${v}`)}
          keepMounted={false}
        >
          <Tabs.List>
            {RESOURCES.map((r) => {
              const n = changedCount(drafts.get(`${planId}/${r}`))
              return (
                <Tabs.Tab key={r} value={r}>
                  {RESOURCE_LABELS[r]}
                  {n > 0 ? ` (${n} unsaved)` : ''}
                </Tabs.Tab>
              )
            })}
          </Tabs.List>
          <Tabs.Panel value={resource} pt="sm">
            <ResourcePanel
              key={draftKey}
              planId={planId}
              resource={resource}
              editable={can(me.data, 'track.edit')}
              draft={drafts.get(draftKey)}
              setDraft={setDraft}
            />
          </Tabs.Panel>
        </Tabs>
      ) : (
        options.length > 0 && <Text size="sm">Pick a baseline plan to see its actuals.</Text>
      )}
    </Stack>
  )
}
