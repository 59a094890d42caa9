import { Alert, Badge, Button, Group, List, Stack, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useState } from 'react'
import { ScrollRegion } from '../performance/ScrollRegion'
import { ErrorAlert } from '../ui/ErrorAlert'
import { Empty, Loading } from '../ui/states'
import { ActualsGrid } from './ActualsGrid'
import { getActuals, postActuals, RESOURCE_LABELS, TrackError, type PathError, type Resource } from './api'
import { actualsKey, useActuals } from './hooks'
import {
  compareVersions,
  differs,
  formatValue,
  placeErrors,
  postBody,
  rebase,
  toGrid,
  type Grid,
  type Overlap,
} from './model'

/** The user's unsaved edits of one resource and the version they were made on (whose lockToken a Save sends). */
export interface Draft {
  base: Grid
  edits: Map<string, string>
  cellErrors: Map<string, string>
  entityErrors: Map<string, string>
  otherErrors: PathError[]
  /** After a 409: the version someone else saved, and the cells both changed. */
  conflict?: { fresh: Grid; overlaps: Overlap[]; theirChanges: number }
  /** After re-applying: the other user's values of the cells both changed, shown on those cells until saved. */
  theirs: Map<string, string>
}

function emptyDraft(base: Grid): Draft {
  return {
    base,
    edits: new Map(),
    cellErrors: new Map(),
    entityErrors: new Map(),
    otherErrors: [],
    theirs: new Map(),
  }
}

const NONE: ReadonlyMap<string, string> = new Map()

/** How many cells differ between two versions (the other user's changes). */
function changedCells(a: Grid, b: Grid): number {
  let n = 0
  const byKey = new Map(b.entities.map((e) => [e.key, e]))
  for (const e of a.entities) {
    for (const [period, cell] of e.cells) {
      if ((byKey.get(e.key)?.cells.get(period)?.actual ?? null) !== cell.actual) n++
    }
  }
  return n
}

export function changedCount(draft: Draft | undefined): number {
  if (!draft) return 0
  let n = 0
  const byKey = new Map(draft.base.entities.map((e) => [e.key, e]))
  for (const [key, text] of draft.edits) {
    const [entity = '', period = ''] = key.split('|')
    const e = byKey.get(entity)
    if (e && differs(text, e.cells.get(period)?.actual ?? null, e.percentage)) n++
  }
  return n
}

function overlapTheirs(overlaps: Overlap[]): Map<string, string> {
  return new Map(overlaps.map((o) => [o.key, formatValue(o.theirs, o.percentage) || 'empty']))
}

function Conflict({
  resource,
  draft,
  onReapply,
  onDiscard,
}: {
  resource: Resource
  draft: Draft
  onReapply: () => void
  onDiscard: () => void
}) {
  const c = draft.conflict
  if (!c) return null
  const mine = changedCount(draft)
  return (
    <Alert color="orange" variant="light" role="alert" title="Someone else saved these actuals meanwhile">
      <Stack gap="xs">
        <Text size="sm">
          {RESOURCE_LABELS[resource]} of plan {c.fresh.planId} were saved by someone else after you opened
          them, so your save was refused and nothing of yours was written. They changed {c.theirChanges}{' '}
          {c.theirChanges === 1 ? 'cell' : 'cells'}; you have {mine} unsaved {mine === 1 ? 'edit' : 'edits'}.
        </Text>
        {c.overlaps.length > 0 ? (
          <ScrollRegion label="Cells you both changed">
            <Table striped withTableBorder aria-label="Cells you both changed" fz="sm" miw={420}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Cell</Table.Th>
                  <Table.Th ta="right">Before</Table.Th>
                  <Table.Th ta="right">Their value</Table.Th>
                  <Table.Th ta="right">Your value</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.overlaps.map((o) => (
                  <Table.Tr key={o.key}>
                    <Table.Td>
                      {o.entity}, {o.period}
                    </Table.Td>
                    <Table.Td ta="right">{formatValue(o.was, o.percentage) || 'empty'}</Table.Td>
                    <Table.Td ta="right">{formatValue(o.theirs, o.percentage) || 'empty'}</Table.Td>
                    <Table.Td ta="right">{o.mine === '' ? 'empty' : o.mine}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollRegion>
        ) : (
          <Text size="sm">None of the cells you changed were changed by them.</Text>
        )}
        <Text size="sm">
          Re-applying puts your edits on top of their version: their other changes are kept
          {c.overlaps.length > 0 ? ', and in the cells you both changed your value replaces theirs' : ''}. You
          then review and save.
        </Text>
        <Group gap="xs">
          <Button onClick={onReapply}>Re-apply my edits on the latest version</Button>
          <Button variant="default" onClick={onDiscard}>
            Discard my edits
          </Button>
        </Group>
      </Stack>
    </Alert>
  )
}

/** One resource's grid, its unsaved edits, Save (with the lockToken of the version edited) and what a refusal means. */
export function ResourcePanel({
  planId,
  resource,
  editable,
  draft,
  setDraft,
}: {
  planId: number
  resource: Resource
  editable: boolean
  draft: Draft | undefined
  setDraft: (update: (d: Draft | undefined) => Draft | undefined) => void
}) {
  const query = useActuals(planId, resource)
  const queryClient = useQueryClient()
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<unknown>(null)
  const latest = useMemo(() => (query.data ? toGrid(query.data) : undefined), [query.data])
  const grid = draft?.base ?? latest
  const changes = changedCount(draft)

  useEffect(() => {
    setSaveError(null)
  }, [planId, resource])

  if (query.isPending && !draft)
    return <Loading label={`Loading ${RESOURCE_LABELS[resource].toLowerCase()}…`} />
  if (query.error && !draft)
    return (
      <ErrorAlert
        error={query.error}
        title={`The ${RESOURCE_LABELS[resource].toLowerCase()} could not be loaded`}
        onRetry={() => void query.refetch()}
      />
    )
  if (!grid) return null
  if (grid.entities.length === 0)
    return (
      <Empty title={`No ${RESOURCE_LABELS[resource].toLowerCase()} are planned in plan ${planId}`}>
        The baseline plan has no periods for this resource, so there is nothing to track.
      </Empty>
    )

  const onEdit = (list: [string, string | undefined][]) => {
    setDraft((d) => {
      const next = d ?? emptyDraft(grid)
      const edits = new Map(next.edits)
      const cellErrors = new Map(next.cellErrors)
      for (const [key, text] of list) {
        if (text === undefined) edits.delete(key)
        else edits.set(key, text)
        cellErrors.delete(key)
      }
      return { ...next, edits, cellErrors }
    })
  }

  const save = async () => {
    if (!draft) return
    setSaving(true)
    setSaveError(null)
    const { body, cellAt, entityAt } = postBody(draft.base, draft.edits)
    try {
      const saved = await postActuals(planId, resource, body)
      queryClient.setQueryData(actualsKey(planId, resource), saved)
      setDraft(() => undefined)
      notifications.show({
        color: 'green',
        title: 'Saved',
        message: `${changes} ${changes === 1 ? 'actual' : 'actuals'} of ${RESOURCE_LABELS[resource].toLowerCase()} saved.`,
      })
    } catch (e) {
      if (e instanceof TrackError && e.status === 409) {
        try {
          const freshDoc = await getActuals(planId, resource)
          queryClient.setQueryData(actualsKey(planId, resource), freshDoc)
          const fresh = toGrid(freshDoc)
          setDraft((d) =>
            d
              ? {
                  ...d,
                  conflict: {
                    fresh,
                    overlaps: compareVersions(d.base, fresh, d.edits),
                    theirChanges: changedCells(d.base, fresh),
                  },
                  theirs: overlapTheirs(compareVersions(d.base, fresh, d.edits)),
                }
              : d,
          )
        } catch (again) {
          setSaveError(again)
        }
      } else if (e instanceof TrackError && e.status === 400 && e.pathErrors.length > 0) {
        const placed = placeErrors(e.pathErrors, cellAt, entityAt)
        setDraft((d) =>
          d
            ? { ...d, cellErrors: placed.cells, entityErrors: placed.entities, otherErrors: placed.other }
            : d,
        )
      } else setSaveError(e)
    } finally {
      setSaving(false)
    }
  }

  const reapply = () => {
    setDraft((d) => {
      if (!d?.conflict) return d
      const { fresh, overlaps } = d.conflict
      return { ...emptyDraft(fresh), edits: rebase(fresh, d.edits), theirs: overlapTheirs(overlaps) }
    })
  }
  const discard = () => {
    setDraft(() => undefined)
    void queryClient.invalidateQueries({ queryKey: actualsKey(planId, resource) })
  }

  const errorCount =
    (draft?.cellErrors.size ?? 0) + (draft?.entityErrors.size ?? 0) + (draft?.otherErrors.length ?? 0)
  const labelOf = (key: string) => {
    const [entity = '', period = ''] = key.split('|')
    const e = grid.entities.find((x) => x.key === entity)
    const p = grid.periods.find((x) => x.key === period)
    return `${e?.label ?? entity}, ${p?.label ?? period}`
  }

  return (
    <Stack gap="sm">
      {draft?.conflict && (
        <Conflict resource={resource} draft={draft} onReapply={reapply} onDiscard={discard} />
      )}
      {!draft?.conflict && draft && draft.theirs.size > 0 && (
        <Alert color="blue" variant="light" title="Your edits are on the latest version">
          <Text size="sm">
            Cells outlined in orange were also changed by someone else; their value is in each cell&apos;s
            tooltip. Save to store your values, or discard your edits.
          </Text>
        </Alert>
      )}
      {errorCount > 0 && draft && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          title="The server refused the save; nothing was written"
        >
          <List size="sm">
            {[...draft.cellErrors].map(([key, message]) => (
              <List.Item key={key}>
                {labelOf(key)}: {message}
              </List.Item>
            ))}
            {[...draft.entityErrors].map(([key, message]) => (
              <List.Item key={key}>
                {grid.entities.find((e) => e.key === key)?.label ?? key}: {message}
              </List.Item>
            ))}
            {draft.otherErrors.map((e) => (
              <List.Item key={e.path}>
                {e.path}: {e.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <ErrorAlert error={saveError} title="The actuals could not be saved" />
      <Group justify="space-between" gap="xs">
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {grid.entities.length} {grid.weekly ? 'locations' : 'rows'} × {grid.periods.length}{' '}
            {grid.weekly ? 'weeks' : 'months'}
          </Text>
          {changes > 0 && (
            <Badge color="yellow" variant="filled" c="black">
              {changes} unsaved {changes === 1 ? 'change' : 'changes'}
            </Badge>
          )}
          {!editable && <Text size="sm">Read-only: your roles do not include track.edit.</Text>}
        </Group>
        {editable && (
          <Group gap="xs">
            <Button
              variant="default"
              disabled={!draft || saving || draft.conflict !== undefined}
              onClick={discard}
            >
              Discard changes
            </Button>
            <Button
              onClick={() => void save()}
              loading={saving}
              disabled={changes === 0 || draft?.conflict !== undefined}
            >
              Save
            </Button>
          </Group>
        )}
      </Group>
      <ActualsGrid
        grid={grid}
        edits={draft?.edits ?? NONE}
        editable={editable}
        onEdit={onEdit}
        cellErrors={draft?.cellErrors ?? NONE}
        entityErrors={draft?.entityErrors ?? NONE}
        theirs={draft?.theirs ?? NONE}
      />
    </Stack>
  )
}
