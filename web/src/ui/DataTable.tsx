import { ScrollArea, Table } from '@mantine/core'
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table'

/** A plain, accessible table of `rows` (TanStack Table for the columns, Mantine for the look). */
export function DataTable<T>({
  rows,
  columns,
  caption,
  rowKey,
  minWidth = 720,
}: {
  rows: T[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack's own type for mixed-value columns
  columns: ColumnDef<T, any>[]
  caption: string
  rowKey: (row: T) => string | number
  minWidth?: number
}) {
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => String(rowKey(row)),
  })
  return (
    <ScrollArea type="auto" offsetScrollbars>
      <Table striped highlightOnHover miw={minWidth} verticalSpacing="xs" aria-label={caption}>
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id}>
              {group.headers.map((header) => (
                <Table.Th key={header.id} scope="col">
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </Table.Th>
              ))}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {table.getRowModel().rows.map((row) => (
            <Table.Tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  )
}
