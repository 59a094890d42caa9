import { Badge } from '@mantine/core'
import type { ReactNode } from 'react'

const SHADES = { good: 'teal.9', bad: 'red.9', neutral: 'gray.7', info: 'indigo.8' } as const

/** A small label for a state (active, locked, revoked…), in shades that keep 4.5:1 with its white text. */
export function Tag({ tone, children }: { tone: keyof typeof SHADES; children: ReactNode }) {
  return (
    <Badge color={SHADES[tone]} variant="filled" tt="none">
      {children}
    </Badge>
  )
}
