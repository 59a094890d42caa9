import { Modal, NativeSelect, Stack, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type SyntheticEvent } from 'react'
import { ErrorAlert } from '../ui/ErrorAlert'
import { FormActions, SwitchField } from '../ui/form'
import { useTenantSites, useUpdateQuestion, type Question, type QuestionInput } from './hooks'

const ANSWER_TYPES: { value: Question['answerType']; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'yesno', label: 'Yes or no' },
  { value: 'choice', label: 'One of the options' },
]

interface Draft {
  text: string
  answerType: Question['answerType']
  /** One option per line. */
  options: string
  /** '' = every site. */
  siteId: string
  required: boolean
}

const draftOf = (q: Question): Draft => ({
  text: q.text,
  answerType: q.answerType,
  options: (q.options ?? []).join('\n'),
  siteId: q.siteId === null ? '' : String(q.siteId),
  required: q.required,
})

/** The PUT body: the whole question (the operation replaces it); options only for a choice, one per line. */
function bodyOf(d: Draft): QuestionInput {
  const options = d.options
    .split('\n')
    .map((o) => o.trim())
    .filter(Boolean)
  return {
    text: d.text,
    answerType: d.answerType,
    options: d.answerType === 'choice' ? options : null,
    siteId: d.siteId === '' ? null : Number(d.siteId),
    required: d.required,
  }
}

function EditQuestionForm({ question, onClose }: { question: Question; onClose: () => void }) {
  const update = useUpdateQuestion(question.questionId)
  const tenant = useTenantSites()
  const [d, setD] = useState<Draft>(() => draftOf(question))
  const set = (patch: Partial<Draft>) => {
    setD((x) => ({ ...x, ...patch }))
  }
  const siteChoices = [
    { value: '', label: 'Every site' },
    ...tenant.sites.map((s) => ({ value: String(s.siteId), label: `${s.name} (site ${s.siteId})` })),
  ]
  // A site no study lists any more still shows as what the question names.
  if (d.siteId !== '' && !siteChoices.some((c) => c.value === d.siteId))
    siteChoices.push({ value: d.siteId, label: `site ${d.siteId}` })
  const submit = (e: SyntheticEvent) => {
    e.preventDefault()
    update.mutate(bodyOf(d), {
      onSuccess: () => {
        notifications.show({ color: 'green', message: 'Question saved' })
        onClose()
      },
    })
  }
  return (
    <form onSubmit={submit}>
      <Stack>
        <ErrorAlert error={update.error} title="The question was not changed" />
        <ErrorAlert error={tenant.error} title="The sites could not be loaded" />
        <Textarea
          label="Question"
          description="The website sends this text exactly with each answer"
          required
          autosize
          minRows={2}
          maxLength={1000}
          value={d.text}
          onChange={(e) => {
            set({ text: e.currentTarget.value })
          }}
        />
        <NativeSelect
          label="Answer"
          data={ANSWER_TYPES}
          value={d.answerType}
          onChange={(e) => {
            const answerType = ANSWER_TYPES.find((t) => t.value === e.currentTarget.value)?.value
            if (answerType) set({ answerType })
          }}
        />
        {d.answerType === 'choice' && (
          <Textarea
            label="Options"
            description="One per line"
            required
            autosize
            minRows={3}
            value={d.options}
            onChange={(e) => {
              set({ options: e.currentTarget.value })
            }}
          />
        )}
        <NativeSelect
          label="Asked at"
          data={siteChoices}
          value={d.siteId}
          onChange={(e) => {
            set({ siteId: e.currentTarget.value })
          }}
        />
        <SwitchField
          label="Must be answered at registration"
          checked={d.required}
          onChecked={(required) => {
            set({ required })
          }}
        />
        <FormActions submit="Save question" onCancel={onClose} pending={update.isPending} />
      </Stack>
    </form>
  )
}

/** Changes a volunteer question (`updateVolunteerQuestion`); the server refuses what it must (a 409, a 422). */
export function EditQuestionDialog({
  question,
  onClose,
}: {
  question: Question | undefined
  onClose: () => void
}) {
  return (
    <Modal opened={question !== undefined} onClose={onClose} title="Edit volunteer question" size="lg">
      {question && <EditQuestionForm key={question.questionId} question={question} onClose={onClose} />}
    </Modal>
  )
}
