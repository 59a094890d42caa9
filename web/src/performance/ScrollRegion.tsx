import { Box } from '@mantine/core'
import type { ReactNode } from 'react'

/** A table wider than the screen in a region that scrolls sideways and can be focused to scroll by keyboard. */
export function ScrollRegion({
  label,
  maxHeight,
  children,
}: {
  label: string
  maxHeight?: number
  children: ReactNode
}) {
  return (
    <Box role="region" aria-label={label} tabIndex={0} style={{ overflow: 'auto', maxHeight }}>
      {children}
    </Box>
  )
}
