import { Box, VisuallyHidden } from '@mantine/core'
import { useMediaQuery } from '@mantine/hooks'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react'
import { gridLines, LINE_LABELS, type Line } from './lines'
import { cellKey, differs, entryText, formatValue, type Edits, type Grid } from './model'
import classes from './ActualsGrid.module.css'

interface GridMarks {
  /** Server validation messages by cell key. */
  cellErrors: ReadonlyMap<string, string>
  /** Server validation messages by entity key (a rule over a whole row, such as a percentage's total). */
  entityErrors: ReadonlyMap<string, string>
  /** Cells another user saved meanwhile: their value, by cell key. */
  theirs: ReadonlyMap<string, string>
}

interface Props extends GridMarks {
  grid: Grid
  edits: Edits
  editable: boolean
  /** Sets (text) or drops (undefined) the edits of several cells at once. */
  onEdit: (changes: [key: string, text: string | undefined][]) => void
}

const SHORT_LABELS: Record<Line['kind'], string> = {
  planned: 'Plan',
  actual: 'Actual',
  earned: 'Earned',
  cumPlanned: 'Cum. plan',
  cumActual: 'Cum. act.',
}

/** "01-Apr-2010" on two lines (day and month over the year), so a week's column stays narrow. */
function PeriodLabel({ label }: { label: string }) {
  const m = /^(\d{2}-[A-Za-z]{3})-(\d{4})$/.exec(label)
  if (!m) return <>{label}</>
  return (
    <span className={classes.period}>
      {m[1]}
      <span className={classes.year}>{m[2]}</span>
    </span>
  )
}

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

const ROW_H = 30
const HEADER_H = 38

/**
 * Planned and actual values per entity × period, virtualised both ways (only the rows and columns in view are in
 * the DOM), with the header row and the entity, line and total columns frozen. Actual cells are inputs:
 * arrows move, Enter moves down, Tab right; a pasted block of cells (tab- and line-separated, as a spreadsheet
 * copies them) fills the cells from the one pasted into.
 */
export function ActualsGrid({ grid, edits, editable, onEdit, cellErrors, entityErrors, theirs }: Props) {
  const compact = useMediaQuery('(max-width: 40em)')
  const widths = compact
    ? { where: 76, line: 76, total: 58, cell: 76 }
    : { where: 210, line: 112, total: 84, cell: 92 }
  const frozen = widths.where + widths.line + widths.total
  const lines = useMemo(() => gridLines(grid, edits), [grid, edits])
  const editableLines = useMemo(
    () => lines.flatMap((l, i) => (editable && l.entity && l.kind === 'actual' ? [i] : [])),
    [lines, editable],
  )
  const scrollRef = useRef<HTMLDivElement>(null)
  const rows = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    paddingStart: HEADER_H,
    scrollPaddingStart: HEADER_H,
    overscan: 8,
  })
  const columns = useVirtualizer({
    horizontal: true,
    count: grid.periods.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => widths.cell,
    paddingStart: frozen,
    scrollPaddingStart: frozen,
    overscan: 3,
  })
  useEffect(() => {
    columns.measure()
  }, [columns, widths.cell, frozen])

  const [focusTarget, setFocusTarget] = useState<{ line: number; col: number } | null>(null)
  useEffect(() => {
    if (!focusTarget) return
    let tries = 0
    let frame = 0
    const attempt = () => {
      const input = scrollRef.current?.querySelector<HTMLInputElement>(
        `input[data-cell="${focusTarget.line}:${focusTarget.col}"]`,
      )
      if (input) {
        input.focus({ preventScroll: false })
        input.select()
      } else if (tries++ < 10) frame = requestAnimationFrame(attempt)
    }
    attempt()
    return () => {
      cancelAnimationFrame(frame)
    }
  }, [focusTarget])

  const moveTo = useCallback(
    (line: number, col: number) => {
      rows.scrollToIndex(line)
      columns.scrollToIndex(col)
      setFocusTarget({ line, col })
    },
    [rows, columns],
  )

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>, line: number, col: number) => {
    const at = editableLines.indexOf(line)
    const last = grid.periods.length - 1
    const go = (dl: number, dc: number) => {
      const nextLine = editableLines[at + dl]
      const nextCol = col + dc
      if (nextLine === undefined || nextCol < 0 || nextCol > last) return false
      e.preventDefault()
      moveTo(nextLine, nextCol)
      return true
    }
    switch (e.key) {
      case 'ArrowUp':
        go(-1, 0)
        break
      case 'ArrowDown':
        go(1, 0)
        break
      case 'Enter':
        go(e.shiftKey ? -1 : 1, 0)
        e.preventDefault()
        break
      case 'ArrowLeft':
        if (e.currentTarget.selectionStart === 0 && e.currentTarget.selectionEnd === 0) go(0, -1)
        else if (e.currentTarget.selectionStart !== e.currentTarget.selectionEnd) go(0, -1)
        break
      case 'ArrowRight': {
        const end = e.currentTarget.value.length
        if (
          e.currentTarget.selectionStart === end ||
          e.currentTarget.selectionStart !== e.currentTarget.selectionEnd
        )
          go(0, 1)
        break
      }
      case 'Tab':
        // Tab moves right along the row and leaves the grid at its end; Shift+Tab back.
        go(0, e.shiftKey ? -1 : 1)
        break
      case 'Escape': {
        const entity = lines[line]?.entity
        const period = grid.periods[col]
        if (entity && period) onEdit([[cellKey(entity.key, period.key), undefined]])
        break
      }
    }
  }

  const onPaste = (e: React.ClipboardEvent<HTMLInputElement>, line: number, col: number) => {
    const text = e.clipboardData.getData('text/plain')
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return
    e.preventDefault()
    const block = text
      .replace(/\r/g, '')
      .replace(/\n$/, '')
      .split('\n')
      .map((r) => r.split('\t'))
    const start = editableLines.indexOf(line)
    const changes: [string, string][] = []
    block.forEach((cells, i) => {
      const entity = lines[editableLines[start + i] ?? -1]?.entity
      if (!entity) return
      cells.forEach((value, j) => {
        const period = grid.periods[col + j]
        if (period && entity.cells.has(period.key))
          changes.push([cellKey(entity.key, period.key), value.trim()])
      })
    })
    onEdit(changes)
  }

  const virtualRows = rows.getVirtualItems()
  const virtualCols = columns.getVirtualItems()
  const totalWidth = columns.getTotalSize()
  const before = (virtualCols[0]?.start ?? frozen) - frozen
  const after = totalWidth - (virtualCols[virtualCols.length - 1]?.end ?? frozen)
  const sticky = (left: number, width: number): CSSProperties => ({ left, width, minWidth: width })

  function renderCell(line: Line, index: number, col: number) {
    const period = grid.periods[col]
    if (!period) return null
    const value = line.values[col] ?? null
    const common = {
      role: 'gridcell',
      'aria-colindex': col + 4,
      style: { width: widths.cell, minWidth: widths.cell },
    }
    const entity = line.entity
    if (entity && line.kind === 'actual' && line.present[col] && editable) {
      const key = cellKey(entity.key, period.key)
      const cell = entity.cells.get(period.key)
      const text = edits.get(key)
      const changed = text !== undefined && differs(text, cell?.actual ?? null, entity.percentage)
      const error = cellErrors.get(key)
      const other = theirs.get(key)
      const description = [
        changed ? 'Changed, not saved' : '',
        error ? `Error: ${error}` : '',
        other !== undefined ? `Saved meanwhile by someone else: ${other}` : '',
      ]
        .filter(Boolean)
        .join('. ')
      return (
        <div
          key={period.key}
          {...common}
          className={classes.cell}
          data-editable
          data-changed={changed || undefined}
          data-error={error ? true : undefined}
          data-theirs={other !== undefined || undefined}
        >
          <input
            className={classes.input}
            data-cell={`${index}:${col}`}
            aria-label={`${entity.label} actual ${period.label}${entity.percentage ? ' (%)' : ''}`}
            aria-invalid={error ? true : undefined}
            title={description || undefined}
            inputMode="decimal"
            autoComplete="off"
            value={text ?? entryText(cell?.actual ?? null, entity.percentage)}
            onChange={(e) => {
              onEdit([[key, e.target.value]])
            }}
            onKeyDown={(e) => {
              onKeyDown(e, index, col)
            }}
            onPaste={(e) => {
              onPaste(e, index, col)
            }}
            onFocus={(e) => {
              e.target.select()
            }}
          />
        </div>
      )
    }
    return (
      <div key={period.key} {...common} className={classes.cell} data-readonly>
        {line.present[col] || !entity ? formatValue(value, line.percentage) : ''}
      </div>
    )
  }

  return (
    <Box
      ref={scrollRef}
      className={classes.scroll}
      role="grid"
      aria-label={`Actuals of plan ${grid.planId}`}
      aria-rowcount={lines.length + 1}
      aria-colcount={grid.periods.length + 3}
      style={{ height: `min(calc(100dvh - ${compact ? 300 : 290}px), ${rows.getTotalSize() + 2}px)` }}
    >
      <div style={{ width: totalWidth, height: rows.getTotalSize(), position: 'relative' }}>
        <div
          role="row"
          aria-rowindex={1}
          className={classes.header}
          style={{ width: totalWidth, height: HEADER_H }}
        >
          <div
            role="columnheader"
            aria-colindex={1}
            className={classes.frozen}
            style={sticky(0, widths.where)}
          >
            {grid.weekly
              ? 'Location'
              : grid.resource === 'costs'
                ? 'Cost · location · provider'
                : 'Task · location · provider'}
          </div>
          <div
            role="columnheader"
            aria-colindex={2}
            className={classes.frozen}
            style={sticky(widths.where, widths.line)}
          >
            Line
          </div>
          <div
            role="columnheader"
            aria-colindex={3}
            className={`${classes.frozen} ${classes.num}`}
            style={sticky(widths.where + widths.line, widths.total)}
          >
            Total
          </div>
          <div aria-hidden style={{ width: before, minWidth: before }} />
          {virtualCols.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              aria-colindex={c.index + 4}
              className={`${classes.cell} ${classes.num}`}
              style={{ width: widths.cell, minWidth: widths.cell }}
            >
              <PeriodLabel label={grid.periods[c.index]?.label ?? ''} />
            </div>
          ))}
          <div aria-hidden style={{ width: after, minWidth: after }} />
        </div>
        {virtualRows.map((r) => {
          const line = lines[r.index]
          if (!line) return null
          const label = line.entity?.label ?? 'Total'
          const rowError =
            line.entity && line.kind === 'actual' ? entityErrors.get(line.entity.key) : undefined
          return (
            <div
              key={r.key}
              role="row"
              aria-rowindex={r.index + 2}
              className={classes.row}
              data-first={line.first || undefined}
              data-kind={line.kind}
              data-total={line.entity ? undefined : true}
              style={{ transform: `translateY(${r.start}px)`, width: totalWidth, height: ROW_H }}
            >
              <div
                role="rowheader"
                aria-colindex={1}
                className={classes.frozen}
                style={sticky(0, widths.where)}
                title={label}
              >
                <WhereLabel line={line} />
              </div>
              <div
                role="rowheader"
                aria-colindex={2}
                className={classes.frozen}
                style={sticky(widths.where, widths.line)}
                data-error={rowError ? true : undefined}
                title={rowError}
              >
                {compact ? SHORT_LABELS[line.kind] : LINE_LABELS[line.kind]}
                {rowError && <VisuallyHidden>Error: {rowError}</VisuallyHidden>}
              </div>
              <div
                role="gridcell"
                aria-colindex={3}
                className={`${classes.frozen} ${classes.num}`}
                style={sticky(widths.where + widths.line, widths.total)}
              >
                {formatValue(line.total, line.percentage)}
              </div>
              <div aria-hidden style={{ width: before, minWidth: before }} />
              {virtualCols.map((c) => renderCell(line, r.index, c.index))}
              <div aria-hidden style={{ width: after, minWidth: after }} />
            </div>
          )
        })}
      </div>
    </Box>
  )
}
