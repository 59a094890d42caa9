import { Anchor, Button, Group, Text } from '@mantine/core'
import { createColumnHelper } from '@tanstack/react-table'
import { useMemo } from 'react'
import { Link, useSearchParams } from 'react-router'
import { can, useMe } from '../session/hooks'
import { DataTable } from '../ui/DataTable'
import { ErrorAlert } from '../ui/ErrorAlert'
import { PageHeader } from '../ui/PageHeader'
import { Tag } from '../ui/Tag'
import { Empty, Loading } from '../ui/states'
import { useQuestions, type Question } from './hooks'
import { EditQuestionDialog } from './QuestionDialog'

const col = createColumnHelper<Question>()
const COLUMNS = [
  col.accessor('text', { header: 'Question (the website sends it exactly)' }),
  col.accessor('answerType', { header: 'Answer' }),
  col.accessor('options', { header: 'Options', cell: (c) => c.getValue()?.join(' · ') ?? '—' }),
  col.accessor('siteId', {
    header: 'Site',
    cell: (c) => (c.getValue() === null ? 'every site' : `site ${c.getValue()}`),
  }),
  col.accessor('required', {
    header: 'Required',
    cell: (c) => (c.getValue() ? <Tag tone="info">required</Tag> : 'no'),
  }),
]

/** The tenant's volunteer questions, asked at registration; `?edit=ID` opens one in the edit dialog. */
export function QuestionsPage() {
  const questions = useQuestions()
  const me = useMe()
  const manage = can(me.data, 'studies.manage')
  const [search, setSearch] = useSearchParams()
  const editing = manage
    ? questions.data?.find((q) => String(q.questionId) === search.get('edit'))
    : undefined
  const columns = useMemo(
    () =>
      manage
        ? [
            ...COLUMNS,
            col.display({
              id: 'edit',
              header: 'Actions',
              cell: (c) => (
                <Button
                  size="xs"
                  variant="default"
                  aria-label={`Edit question: ${c.row.original.text}`}
                  onClick={() => {
                    setSearch({ edit: String(c.row.original.questionId) })
                  }}
                >
                  Edit
                </Button>
              ),
            }),
          ]
        : COLUMNS,
    [manage, setSearch],
  )
  return (
    <>
      <PageHeader
        title="Volunteer questions"
        description="What the website asks volunteers at registration"
      />
      <Group mb="sm">
        <Anchor component={Link} to="/recruit/studies">
          Back to studies
        </Anchor>
      </Group>
      {questions.isPending ? (
        <Loading label="Loading questions…" />
      ) : questions.error ? (
        <ErrorAlert error={questions.error} title="The questions could not be loaded" />
      ) : questions.data.length === 0 ? (
        <Empty title="No questions">Nothing is asked at registration.</Empty>
      ) : (
        <>
          <DataTable
            caption="Volunteer questions"
            rows={questions.data}
            columns={columns}
            rowKey={(q) => q.questionId}
          />
          <Text size="sm" c="dimmed">
            Studies name the answers they require in their recruitment profile.
          </Text>
        </>
      )}
      <EditQuestionDialog
        question={editing}
        onClose={() => {
          setSearch({})
        }}
      />
    </>
  )
}
