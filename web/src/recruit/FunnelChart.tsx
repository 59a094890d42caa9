import { Group, Text } from '@mantine/core'
import type { FunnelRow } from './hooks'

export const STAGES = [
  { key: 'volunteers', label: 'Volunteers' },
  { key: 'interested', label: 'Interested' },
  { key: 'booked', label: 'Booked' },
  { key: 'screened', label: 'Screened' },
  { key: 'enrolled', label: 'Enrolled' },
] as const

const W = 480
const BAR = 34
const GAP = 12
const LEFT = 100
const RIGHT = 100

/**
 * One funnel (a site's, or the study's in total) as horizontal bars, one per stage, each with its count and its
 * share of the stage before: a small SVG of our own, as the S-curve is. The table beside it holds the same figures.
 */
export function FunnelChart({ row }: { row: FunnelRow }) {
  const max = Math.max(row.volunteers, ...STAGES.map((s) => row[s.key]), 1)
  const H = STAGES.length * (BAR + GAP)
  const width = (v: number) => (v / max) * (W - LEFT - RIGHT)
  const summary = STAGES.map((s) => `${s.label} ${row[s.key]}`).join(', ')
  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`Recruitment funnel, ${row.siteName}: ${summary}`}
        style={{ maxWidth: W, display: 'block' }}
      >
        {STAGES.map((s, i) => {
          const v = row[s.key]
          const y = i * (BAR + GAP)
          const w = width(v)
          const x = LEFT + (W - LEFT - RIGHT - w) / 2
          const above = STAGES[i - 1]
          const prev = above ? row[above.key] : undefined
          return (
            <g key={s.key}>
              <text x={0} y={y + BAR / 2 + 5} fontSize={14} fill="var(--mantine-color-text)">
                {s.label}
              </text>
              <rect
                x={x}
                y={y}
                width={Math.max(w, 2)}
                height={BAR}
                rx={3}
                fill={`var(--mantine-color-indigo-${9 - i})`}
              />
              <text
                x={W - RIGHT + 8}
                y={y + BAR / 2 + 5}
                fontSize={14}
                fontWeight={600}
                fill="var(--mantine-color-text)"
              >
                {v}
                {prev ? ` (${Math.round((v / prev) * 100)}%)` : ''}
              </text>
            </g>
          )
        })}
      </svg>
      <Group gap="xs" mt={4}>
        <Text component="figcaption" size="xs" c="dimmed">
          {row.siteName}: bars centred, widths to scale; the percentage is of the stage above.
        </Text>
      </Group>
    </figure>
  )
}
