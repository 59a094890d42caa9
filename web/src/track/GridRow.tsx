import { VisuallyHidden } from '@mantine/core'
import { memo, type ChangeEventHandler, type ReactNode } from 'react'
import { LINE_LABELS, type Line } from './lines'
import { cellKey, differs, entryText, formatValue, type Edits, type Grid } from './model'
import classes from './ActualsGrid.module.css'

/**
 * The rows and cells of ActualsGrid, memoised so that a scroll step renders only what it brings into view: a row
 * keeps its props while it stays in view vertically (its line object changes only when its entity's edits do), and
 * a cell keeps its props (all strings, numbers and booleans) while its value and marks stay the same, so a
 * horizontal step re-renders the rows but mounts only the newly visible cells. No cell has its own handlers: the
 * grid delegates keys, paste and focus to one handler on its body, and every input shares one change handler.
 * Widths come from CSS variables set once on the grid, so cells carry no style objects.
 */

const SHORT_LABELS: Record<Line['kind'], string> = {
  planned: 'Plan',
  actual: 'Actual',
  earned: 'Earned',
  cumPlanned: 'Cum. plan',
  cumActual: 'Cum. act.',
}

/** The visible columns: the first and last period index, and the widths of the spacers either side. */
export interface ColumnSpan {
  first: number
  last: number
  before: number
  after: number
}

/** "01-Apr-2010" on two lines (day and month over the year), so a week's column stays narrow. */
const PeriodHeader = memo(function PeriodHeader({ label, col }: { label: string; col: number }) {
  const m = /^(\d{2}-[A-Za-z]{3})-(\d{4})$/.exec(label)
  return (
    <div role="columnheader" aria-colindex={col + 4} className={`${classes.cell} ${classes.num}`}>
      {m ? (
        <span className={classes.period}>
          {m[1]}
          <span className={classes.year}>{m[2]}</span>
        </span>
      ) : (
        label
      )}
    </div>
  )
})

function Spacers({ span, children }: { span: ColumnSpan; children: ReactNode }) {
  return (
    <>
      <div aria-hidden style={{ width: span.before, minWidth: span.before }} />
      {children}
      <div aria-hidden style={{ width: span.after, minWidth: span.after }} />
    </>
  )
}

export const GridHeader = memo(function GridHeader({ grid, span }: { grid: Grid; span: ColumnSpan }) {
  const headers = []
  for (let col = span.first; col <= span.last; col++) {
    const period = grid.periods[col]
    if (period) headers.push(<PeriodHeader key={period.key} label={period.label} col={col} />)
  }
  return (
    <div role="row" aria-rowindex={1} className={classes.header}>
      <div className={classes.frozen}>
        <div role="columnheader" aria-colindex={1} className={classes.whereCol}>
          {grid.weekly
            ? 'Location'
            : grid.resource === 'costs'
              ? 'Cost · location · provider'
              : 'Task · location · provider'}
        </div>
        <div role="columnheader" aria-colindex={2} className={classes.lineCol}>
          Line
        </div>
        <div role="columnheader" aria-colindex={3} className={`${classes.totalCol} ${classes.num}`}>
          Total
        </div>
      </div>
      <Spacers span={span}>{headers}</Spacers>
    </div>
  )
})

/** The entity's name over its lines (task, location, provider), and the whole of it for screen readers. */
function WhereLabel({ line }: { line: Line }) {
  const label = line.entity?.label ?? 'Total'
  const part = line.entity ? line.entity.parts[line.nth] : line.first ? 'Total' : undefined
  if (part === undefined) return <VisuallyHidden>{label}</VisuallyHidden>
  if (part === label) return <span className={classes.where}>{label}</span>
  return (
    <>
      <span className={line.first ? classes.where : classes.part} aria-hidden>
        {part}
      </span>
      <VisuallyHidden>{label}</VisuallyHidden>
    </>
  )
}

interface ReadCellProps {
  col: number
  value: number | null
  percentage: boolean
  /** Empty: the entity has no such period. */
  blank: boolean
}

const ReadCell = memo(function ReadCell({ col, value, percentage, blank }: ReadCellProps) {
  return (
    <div role="gridcell" aria-colindex={col + 4} className={classes.cell} data-readonly>
      {blank ? '' : formatValue(value, percentage)}
    </div>
  )
})

interface ActualCellProps {
  /** `line:col`, how the grid's delegated handlers and its focus moves find the input. */
  at: string
  cellId: string
  col: number
  label: string
  value: string
  changed: boolean
  error: string | undefined
  theirs: string | undefined
  onChange: ChangeEventHandler<HTMLInputElement>
}

const ActualCell = memo(function ActualCell({
  at,
  cellId,
  col,
  label,
  value,
  changed,
  error,
  theirs,
  onChange,
}: ActualCellProps) {
  const description = [
    changed ? 'Changed, not saved' : '',
    error ? `Error: ${error}` : '',
    theirs !== undefined ? `Saved meanwhile by someone else: ${theirs}` : '',
  ]
    .filter(Boolean)
    .join('. ')
  return (
    <div
      role="gridcell"
      aria-colindex={col + 4}
      className={classes.cell}
      data-editable
      data-changed={changed || undefined}
      data-error={error ? true : undefined}
      data-theirs={theirs !== undefined || undefined}
    >
      <input
        className={classes.input}
        data-cell={at}
        data-key={cellId}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        title={description || undefined}
        inputMode="decimal"
        autoComplete="off"
        value={value}
        // One function shared by every cell (a controlled input must name its change handler).
        onChange={onChange}
      />
    </div>
  )
})

export interface GridRowProps {
  grid: Grid
  line: Line
  index: number
  top: number
  span: ColumnSpan
  compact: boolean
  editable: boolean
  /** The entity's row-wide validation message (actual lines only). */
  rowError: string | undefined
  /** Edits and marks; rows that show none of them get empty maps that never change. */
  edits: Edits
  cellErrors: ReadonlyMap<string, string>
  theirs: ReadonlyMap<string, string>
  onChange: ChangeEventHandler<HTMLInputElement>
}

export const GridRow = memo(function GridRow({
  grid,
  line,
  index,
  top,
  span,
  compact,
  editable,
  rowError,
  edits,
  cellErrors,
  theirs,
  onChange,
}: GridRowProps) {
  const entity = line.entity
  const inputs = editable && entity !== null && line.kind === 'actual'
  const cells = []
  for (let col = span.first; col <= span.last; col++) {
    const period = grid.periods[col]
    if (!period) continue
    if (inputs && line.present[col]) {
      const key = cellKey(entity.key, period.key)
      const actual = entity.cells.get(period.key)?.actual ?? null
      const text = edits.get(key)
      cells.push(
        <ActualCell
          key={period.key}
          at={`${index}:${col}`}
          cellId={key}
          col={col}
          label={`${entity.label} actual ${period.label}${entity.percentage ? ' (%)' : ''}`}
          value={text ?? entryText(actual, entity.percentage)}
          changed={text !== undefined && differs(text, actual, entity.percentage)}
          error={cellErrors.get(key)}
          theirs={theirs.get(key)}
          onChange={onChange}
        />,
      )
    } else {
      cells.push(
        <ReadCell
          key={period.key}
          col={col}
          value={line.values[col] ?? null}
          percentage={line.percentage}
          blank={entity !== null && line.present[col] !== true}
        />,
      )
    }
  }
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={classes.row}
      data-first={line.first || undefined}
      data-kind={line.kind}
      data-total={entity ? undefined : true}
      style={{ transform: `translateY(${top}px)` }}
    >
      <div className={classes.frozen}>
        <div role="rowheader" aria-colindex={1} className={classes.whereCol} title={entity?.label ?? 'Total'}>
          <WhereLabel line={line} />
        </div>
        <div
          role="rowheader"
          aria-colindex={2}
          className={classes.lineCol}
          data-error={rowError ? true : undefined}
          title={rowError}
        >
          {compact ? SHORT_LABELS[line.kind] : LINE_LABELS[line.kind]}
          {rowError && <VisuallyHidden>Error: {rowError}</VisuallyHidden>}
        </div>
        <div role="gridcell" aria-colindex={3} className={`${classes.totalCol} ${classes.num}`}>
          {formatValue(line.total, line.percentage)}
        </div>
      </div>
      <Spacers span={span}>{cells}</Spacers>
    </div>
  )
})
