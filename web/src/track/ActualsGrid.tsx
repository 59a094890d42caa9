import { Box } from '@mantine/core'
import { useMediaQuery } from '@mantine/hooks'
import { useVirtualizer } from '@tanstack/react-virtual'
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ChangeEvent,
  type ClipboardEvent,
  type CSSProperties,
  type FocusEvent,
  type KeyboardEvent,
} from 'react'
import { GridHeader, GridRow, type ColumnSpan } from './GridRow'
import { gridLines, type LineCache } from './lines'
import { cellKey, type Edits, type Grid } from './model'
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

const ROW_H = 30
const HEADER_H = 38
const NONE: ReadonlyMap<string, string> = new Map()
const WIDE = { where: 210, line: 112, total: 84, cell: 92 }
const COMPACT = { where: 76, line: 76, total: 58, cell: 76 }

/** The `line:col` of the input an event came from, or null when it came from elsewhere in the grid. */
function cellOf(target: EventTarget): { input: HTMLInputElement; line: number; col: number } | null {
  if (!(target instanceof HTMLInputElement) || target.dataset.cell === undefined) return null
  const [line = NaN, col = NaN] = target.dataset.cell.split(':').map(Number)
  return Number.isInteger(line) && Number.isInteger(col) ? { input: target, line, col } : null
}

/**
 * Planned and actual values per entity × period, virtualised both ways (only the rows and columns in view are in
 * the DOM, with a few more either side), with the header row and the entity, line and total columns frozen.
 * Actual cells are inputs: arrows move, Enter moves down, Tab right; a pasted block of cells (tab- and
 * line-separated, as a spreadsheet copies them) fills the cells from the one pasted into. A scroll step renders
 * only the rows and cells it brings into view (see GridRow.tsx); keys, paste and focus are handled once, here.
 */
export function ActualsGrid({ grid, edits, editable, onEdit, cellErrors, entityErrors, theirs }: Props) {
  const compact = useMediaQuery('(max-width: 40em)')
  const widths = compact ? COMPACT : WIDE
  const frozen = widths.where + widths.line + widths.total
  const [cache] = useState<LineCache>(() => new WeakMap())
  const lines = useMemo(() => gridLines(grid, edits, cache), [grid, edits, cache])
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
    // Six rows (180 px) either side: more than one entity's lines (four, five for costs), so the actual cell an
    // arrow moves to is already rendered when it is just out of view; few enough that a horizontal step
    // re-renders only the rows near the view.
    overscan: 6,
  })
  const columns = useVirtualizer({
    horizontal: true,
    count: grid.periods.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => widths.cell,
    paddingStart: frozen,
    scrollPaddingStart: frozen,
    overscan: 2,
  })
  useEffect(() => {
    columns.measure()
  }, [columns, widths.cell, frozen])

  // The one change handler every input shares; it reads the latest onEdit, so it never changes itself.
  const onEditRef = useRef(onEdit)
  useLayoutEffect(() => {
    onEditRef.current = onEdit
  })
  const onChange = useCallback((e: ChangeEvent<HTMLInputElement>) => {
    const key = e.target.dataset.key
    if (key !== undefined) onEditRef.current([[key, e.target.value]])
  }, [])

  const [focusTarget, setFocusTarget] = useState<{ line: number; col: number } | null>(null)
  // Where the last move went while its cell is not focused yet (not yet rendered): the next key moves on from
  // there, so quick presses are not lost, and what is typed meanwhile goes into that cell (`typed`), not into the
  // one still focused.
  const pending = useRef<{ line: number; col: number; typed: string | null } | null>(null)
  useEffect(() => {
    if (!focusTarget) return
    let tries = 0
    let frame = 0
    const attempt = () => {
      const input = scrollRef.current?.querySelector<HTMLInputElement>(
        `input[data-cell="${focusTarget.line}:${focusTarget.col}"]`,
      )
      // Focusing it settles the move (onFocus); a move back to the cell that still has focus settles here.
      if (input && input === document.activeElement) settle(input)
      else if (input) input.focus({ preventScroll: false })
      else if (tries++ < 10) frame = requestAnimationFrame(attempt)
      else pending.current = null
    }
    attempt()
    return () => {
      cancelAnimationFrame(frame)
    }
  }, [focusTarget])

  const moveTo = (line: number, col: number) => {
    rows.scrollToIndex(line)
    columns.scrollToIndex(col)
    pending.current = { line, col, typed: null }
    setFocusTarget({ line, col })
  }

  // Focus has reached the cell a move went to (or one clicked): later keys move from here. The cell is selected
  // whole, so typing replaces it, unless something was typed on the way, which the caret then follows.
  const settle = (input: HTMLInputElement) => {
    const typed = pending.current?.typed ?? null
    pending.current = null
    if (typed === null) input.select()
    else input.setSelectionRange(input.value.length, input.value.length)
  }

  /** Sets (text) or drops (undefined) the edit of the cell at `line:col`. */
  const editAt = (line: number, col: number, text: string | undefined) => {
    const entity = lines[line]?.entity
    const period = grid.periods[col]
    if (entity && period) onEdit([[cellKey(entity.key, period.key), text]])
  }

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const at = cellOf(e.target)
    if (!at) return
    const { input } = at
    const { line, col } = pending.current ?? at
    const index = editableLines.indexOf(line)
    const last = grid.periods.length - 1
    const go = (dl: number, dc: number) => {
      const nextLine = editableLines[index + dl]
      const nextCol = col + dc
      if (nextLine === undefined || nextCol < 0 || nextCol > last) return
      e.preventDefault()
      moveTo(nextLine, nextCol)
    }
    // A character typed before the cell moved to has focus: it is that cell's, replacing what it held.
    const typing = e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey
    if (typing && pending.current) {
      e.preventDefault()
      pending.current.typed = (pending.current.typed ?? '') + e.key
      editAt(line, col, pending.current.typed)
      return
    }
    // A cell moved to is selected whole when it gets focus, so a pending move counts as a selection.
    const selected = pending.current !== null || input.selectionStart !== input.selectionEnd
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
        if (selected || input.selectionStart === 0) go(0, -1)
        break
      case 'ArrowRight':
        if (selected || input.selectionStart === input.value.length) go(0, 1)
        break
      case 'Tab':
        // Tab moves right along the row and leaves the grid at its end; Shift+Tab back.
        go(0, e.shiftKey ? -1 : 1)
        break
      case 'Escape':
        editAt(line, col, undefined)
        break
    }
  }

  const onPaste = (e: ClipboardEvent<HTMLElement>) => {
    const at = cellOf(e.target)
    if (!at) return
    const text = e.clipboardData.getData('text/plain')
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return
    e.preventDefault()
    const block = text
      .replace(/\r/g, '')
      .replace(/\n$/, '')
      .split('\n')
      .map((r) => r.split('\t'))
    const start = editableLines.indexOf(at.line)
    const changes: [string, string][] = []
    block.forEach((cells, i) => {
      const entity = lines[editableLines[start + i] ?? -1]?.entity
      if (!entity) return
      cells.forEach((value, j) => {
        const period = grid.periods[at.col + j]
        if (period && entity.cells.has(period.key))
          changes.push([cellKey(entity.key, period.key), value.trim()])
      })
    })
    onEdit(changes)
  }

  const onFocus = (e: FocusEvent<HTMLElement>) => {
    const at = cellOf(e.target)
    if (!at) return
    settle(at.input)
  }

  const virtualCols = columns.getVirtualItems()
  const totalWidth = columns.getTotalSize()
  const totalHeight = rows.getTotalSize()
  const first = virtualCols[0]
  const lastCol = virtualCols[virtualCols.length - 1]
  const spanFirst = first?.index ?? 0
  const spanLast = lastCol?.index ?? -1
  const before = (first?.start ?? frozen) - frozen
  const after = totalWidth - (lastCol?.end ?? frozen)
  // One object per column window, so rows that stay in view keep their props while the grid scrolls down.
  const span = useMemo<ColumnSpan>(
    () => ({ first: spanFirst, last: spanLast, before, after }),
    [spanFirst, spanLast, before, after],
  )
  const vars = {
    '--grid-w': `${totalWidth}px`,
    '--w-where': `${widths.where}px`,
    '--w-line': `${widths.line}px`,
    '--w-total': `${widths.total}px`,
    '--w-cell': `${widths.cell}px`,
    '--row-h': `${ROW_H}px`,
    '--header-h': `${HEADER_H}px`,
    height: `min(calc(100dvh - ${compact ? 300 : 290}px), ${totalHeight + 2}px)`,
  } as CSSProperties

  return (
    <Box
      ref={scrollRef}
      className={classes.scroll}
      role="grid"
      aria-label={`Actuals of plan ${grid.planId}`}
      aria-rowcount={lines.length + 1}
      aria-colcount={grid.periods.length + 3}
      style={vars}
      onKeyDown={onKeyDown}
      onPaste={onPaste}
      onFocus={onFocus}
    >
      <div className={classes.body} style={{ height: totalHeight }}>
        <GridHeader grid={grid} span={span} />
        {rows.getVirtualItems().map((r) => {
          const line = lines[r.index]
          if (!line) return null
          const actual = line.entity !== null && line.kind === 'actual'
          const marked = editable && actual
          return (
            <GridRow
              key={r.key}
              grid={grid}
              line={line}
              index={r.index}
              top={r.start}
              span={span}
              compact={compact}
              editable={editable}
              rowError={actual && line.entity ? entityErrors.get(line.entity.key) : undefined}
              edits={marked ? edits : NONE}
              cellErrors={marked ? cellErrors : NONE}
              theirs={marked ? theirs : NONE}
              onChange={onChange}
            />
          )
        })}
      </div>
    </Box>
  )
}
