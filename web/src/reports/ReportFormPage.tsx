import {
  Alert,
  Anchor,
  Button,
  Group,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { SyntheticEvent } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { ApiError } from '../api/client'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Loading } from '../ui/states'
import {
  useCatalogue,
  useDownloadNow,
  useReportStudies,
  useSubmitJob,
  type ReportInfo,
  type ReportParameter,
  type ReportStudy,
} from './hooks'
import { fieldsOf, FORMAT_LABELS, labelOf, listOf, runInputOf, VALUE_LABELS } from './params'

/** Reports whose runs can be long (one row per observation): the background job is the suggested way. */
const LARGE = new Set(['transfer'])

interface FieldProps {
  p: ReportParameter
  report: ReportInfo
  study: ReportStudy | undefined
  studies: readonly ReportStudy[]
  value: string | null
  set: (v: string | null) => void
  error: string | undefined
}

/** One parameter as a form field, chosen by its type and whether the definition lists its values. */
function Field({ p, report, study, studies, value, set, error }: FieldProps) {
  const label = labelOf(p.name)
  const common = { label, description: p.description, error, withAsterisk: p.required }
  const dflt = p.default
  if (p.name === 'studyId')
    return (
      <Select
        {...common}
        withAsterisk
        description="Only the studies you may run reports on are offered"
        placeholder="Pick a study"
        data={studies.map((s) => ({ value: String(s.id), label: `${s.protocol} — ${s.name}` }))}
        value={value}
        onChange={set}
        searchable
        nothingFoundMessage="No study matches"
      />
    )
  if (p.name === 'format')
    return (
      <Select
        {...common}
        data={report.formats.map((f) => ({ value: f, label: FORMAT_LABELS[f] ?? f }))}
        value={value ?? (typeof dflt === 'string' ? dflt : 'csv')}
        onChange={set}
        allowDeselect={false}
      />
    )
  if (p.name === 'timepoints')
    return (
      <MultiSelect
        {...common}
        placeholder={study ? 'All timepoints' : 'Pick a study first'}
        data={study?.timepoints ?? []}
        value={listOf(value)}
        onChange={(v) => {
          set(v.length ? v.join(',') : null)
        }}
        searchable
        clearable
        disabled={!study}
      />
    )
  if (p.type === 'boolean')
    return (
      <Switch
        label={label}
        description={p.description}
        error={error}
        checked={value === null ? dflt === true : value === 'true'}
        onChange={(e) => {
          set(e.currentTarget.checked === (dflt === true) ? null : String(e.currentTarget.checked))
        }}
      />
    )
  if (p.type === 'list' && p.values)
    return (
      <MultiSelect
        {...common}
        data={p.values.map((v) => ({ value: v, label: VALUE_LABELS[v] ?? v }))}
        value={value === null ? (Array.isArray(dflt) ? [...dflt] : []) : listOf(value)}
        onChange={(v) => {
          set(v.join(','))
        }}
      />
    )
  if (p.type === 'list')
    return (
      <TagsInput
        {...common}
        placeholder={value ? '' : 'All; type a number and press Enter'}
        value={listOf(value)}
        onChange={(v) => {
          set(v.length ? v.join(',') : null)
        }}
        splitChars={[',', ' ']}
        clearable
      />
    )
  if (p.values)
    return (
      <Select
        {...common}
        data={p.values.map((v) => ({ value: v, label: VALUE_LABELS[v] ?? v }))}
        value={value ?? (typeof dflt === 'string' ? dflt : null)}
        onChange={set}
        allowDeselect={false}
      />
    )
  return (
    <TextInput
      {...common}
      type={p.type === 'date' ? 'date' : 'text'}
      placeholder={typeof dflt === 'string' ? dflt : undefined}
      value={value ?? ''}
      onChange={(e) => {
        set(e.currentTarget.value || null)
      }}
    />
  )
}

/**
 * `/reports/:reportName?…`: the report's parameters as a form generated from its definition, its values in the
 * address (a link to share); run now to a download, or as a background job.
 */
export function ReportFormPage() {
  const { reportName = '' } = useParams()
  const [values, setValues] = useSearchParams()
  const navigate = useNavigate()
  const catalogue = useCatalogue()
  const studies = useReportStudies()
  const download = useDownloadNow()
  const submit = useSubmitJob()

  const failed = catalogue.error ?? studies.error
  if (failed || !catalogue.data || !studies.data) {
    if (!failed) return <Loading label="Loading the report…" />
    return (
      <ErrorAlert
        error={failed}
        title="The report could not be loaded"
        onRetry={() => {
          void catalogue.refetch()
          void studies.refetch()
        }}
      />
    )
  }
  const report = catalogue.data.reports.find((r) => r.name === reportName)
  if (!report)
    return (
      <Stack>
        <PageHeader title="Report not found" />
        <Text>There is no report named “{reportName}”.</Text>
        <Anchor component={Link} to="/reports">
          All reports
        </Anchor>
      </Stack>
    )

  const offered = studies.data.items
  const studyParam = values.get('studyId')
  const study = offered.find((s) => String(s.id) === studyParam)
  const format = values.get('format') ?? 'csv'
  const fields = fieldsOf(report, format)
  const errorOf = (name: string) => {
    const e = download.error ?? submit.error
    const list = e instanceof ApiError ? e.fieldErrors : []
    const hit = list.filter((f) => f.path.replace(/^\/(body\/)?/, '') === name)
    return hit.length ? hit.map((f) => f.message).join('; ') : undefined
  }
  const set = (name: string) => (v: string | null) => {
    const next = new URLSearchParams(values)
    if (v === null) next.delete(name)
    else next.set(name, v)
    if (name === 'studyId') next.delete('timepoints')
    // The address is the form's state: rendered at once (not in a transition), so the next keystroke or tag
    // builds on this value — two tags entered quickly both stay, instead of the second replacing the first.
    setValues(next, { replace: true, flushSync: true })
    download.reset()
    submit.reset()
  }
  const input = () => runInputOf(report, values)
  const large = LARGE.has(report.name)
  const runJob = () => {
    submit.mutate(input(), {
      onSuccess: (job) => void navigate(`/reports/jobs/${job.id}`),
    })
  }
  const runNow = () => {
    download.mutate(input(), {
      onSuccess: (filename) => {
        notifications.show({ color: 'green', message: `${filename} downloaded` })
      },
    })
  }

  return (
    <Stack gap="md">
      <PageHeader title={report.title} description={report.description}>
        <Anchor component={Link} to="/reports" size="sm">
          All reports
        </Anchor>
      </PageHeader>
      {studyParam !== null && !study && (
        <Alert color="yellow" title="This study is not offered to you">
          Study {studyParam} does not exist or your account is restricted from it. Pick another study.
        </Alert>
      )}
      <Paper
        withBorder
        p="md"
        radius="md"
        component="form"
        onSubmit={(e: SyntheticEvent) => {
          e.preventDefault()
          if (large) runJob()
          else runNow()
        }}
      >
        <Stack>
          <ErrorAlert error={download.error ?? submit.error} title="The report was not run" />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" verticalSpacing="md">
            {[report.parameters.find((p) => p.name === 'studyId'), ...fields].map(
              (p) =>
                p && (
                  <Field
                    key={p.name}
                    p={p}
                    report={report}
                    study={study}
                    studies={offered}
                    value={values.get(p.name)}
                    set={set(p.name)}
                    error={errorOf(p.name)}
                  />
                ),
            )}
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            {large
              ? 'This report has a row per observation and can be large: run it in the background and download it when it is done (you may leave this page).'
              : 'Small reports download at once; run large ones in the background.'}
          </Text>
          <Group>
            <Button
              type={large ? 'button' : 'submit'}
              variant={large ? 'default' : 'filled'}
              onClick={large ? runNow : undefined}
              loading={download.isPending}
              disabled={!study}
            >
              Download now
            </Button>
            <Button
              type={large ? 'submit' : 'button'}
              variant={large ? 'filled' : 'default'}
              onClick={large ? undefined : runJob}
              loading={submit.isPending}
              disabled={!study}
            >
              Run in the background
            </Button>
            {!study && (
              <Text size="sm" c="dimmed">
                Pick a study to run the report.
              </Text>
            )}
          </Group>
        </Stack>
      </Paper>
    </Stack>
  )
}
