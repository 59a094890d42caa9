import { Box, Table } from '@mantine/core'
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'

/** How close to the last loaded row (in rows) the view may come before `onNearEnd` asks for more. */
const NEAR_END = 60

/**
 * A table of many rows that renders only those in view (TanStack Virtual), in a region that scrolls by mouse,
 * touch and keyboard, with a header that stays put. `onNearEnd` is called when the view nears the last row
 * loaded, so the caller can load the next page: the whole list is one scroll away, however long it is.
 * Screen readers get the real row count and each row's position (`aria-rowcount`, `aria-rowindex`).
 */
export function VirtualTable<T>({
  rows,
  columns,
  caption,
  rowKey,
  minWidth = 720,
  rowHeight = 41,
  onNearEnd,
}: {
  rows: T[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack's own type for mixed-value columns
  columns: ColumnDef<T, any>[]
  caption: string
  rowKey: (row: T) => string | number
  minWidth?: number
  rowHeight?: number
  onNearEnd?: () => void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => String(rowKey(row)),
  })
  const model = table.getRowModel().rows
  const virtualizer = useVirtualizer({
    count: model.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  })
  const items = virtualizer.getVirtualItems()
  const lastShown = items[items.length - 1]?.index ?? -1
  useEffect(() => {
    if (onNearEnd && model.length > 0 && lastShown >= model.length - NEAR_END) onNearEnd()
  }, [lastShown, model.length, onNearEnd])
  const padTop = items[0]?.start ?? 0
  const padBottom = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0)
  const width = table.getVisibleLeafColumns().length

  return (
    <Box
      ref={scrollRef}
      role="region"
      aria-label={`${caption} (scrolls)`}
      tabIndex={0}
      style={{ overflow: 'auto', maxHeight: 'max(320px, calc(100dvh - 300px))' }}
    >
      <Table
        highlightOnHover
        stickyHeader
        miw={minWidth}
        verticalSpacing="xs"
        aria-label={caption}
        aria-rowcount={model.length + 1}
      >
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <Table.Th key={header.id} scope="col">
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </Table.Th>
              ))}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {padTop > 0 && (
            <tr aria-hidden>
              <td colSpan={width} style={{ height: padTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {items.map((item) => {
            const row = model[item.index]
            if (!row) return null
            return (
              <Table.Tr
                key={row.id}
                data-index={item.index}
                ref={virtualizer.measureElement}
                aria-rowindex={item.index + 2}
              >
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </Table.Td>
                ))}
              </Table.Tr>
            )
          })}
          {padBottom > 0 && (
            <tr aria-hidden>
              <td colSpan={width} style={{ height: padBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
    </Box>
  )
}
