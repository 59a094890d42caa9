import { Group, Text } from '@mantine/core'
import type { Performance } from './hooks'

/**
 * The S-curve of cumulative PV, EV and AC per period, with BAC and EAC as horizontal lines: a small SVG of our
 * own (a charting library would add more to the bundle than this whole screen). The table under it holds the
 * same figures for screen readers and for reading exact values.
 */
const SERIES = [
  { key: 'pv', label: 'PV (planned value)', color: 'var(--mantine-color-indigo-8)', dash: undefined },
  { key: 'ev', label: 'EV (earned value)', color: 'var(--mantine-color-teal-9)', dash: undefined },
  { key: 'ac', label: 'AC (actual cost)', color: 'var(--mantine-color-red-8)', dash: '6 3' },
] as const

const W = 760
const H = 280
const PAD = { left: 72, right: 16, top: 12, bottom: 36 }
const money = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

export function SCurve({ data }: { data: Performance }) {
  const series = data.series
  const bac = data.plan.bac
  const eac = data.plan.eac
  const max = Math.max(bac, eac, ...series.map((s) => Math.max(s.pv, s.ev ?? 0, s.ac ?? 0)), 1)
  // Periods placed by their start date, so months without values keep their width.
  const times = series.map((s) => Date.parse(`${s.startDate}T00:00:00Z`))
  const t0 = times[0] ?? 0
  const span = Math.max((times[times.length - 1] ?? t0) - t0, 1)
  const xAt = (t: number) => PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right)
  const x = (i: number) => xAt(times[i] ?? t0)
  const status = Date.parse(`${data.statusDate}T00:00:00Z`)
  const statusX = status >= t0 && status <= t0 + span ? xAt(status) : undefined
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom)
  const path = (key: 'pv' | 'ev' | 'ac') => {
    let d = ''
    series.forEach((s, i) => {
      const v = s[key]
      if (v === null) return
      d += `${d === '' ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`
    })
    return d
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max)
  const every = Math.max(1, Math.ceil(series.length / 8))
  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`S-curve of cumulative PV, EV and AC to ${data.statusDate}, with BAC and EAC; the table below has the figures`}
        style={{ maxHeight: 320, fontSize: 11 }}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="var(--mantine-color-gray-3)" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" fill="var(--mantine-color-gray-8)">
              {money.format(t)}
            </text>
          </g>
        ))}
        {series.map((s, i) =>
          i % every === 0 ? (
            <text
              key={s.startDate}
              x={x(i)}
              y={H - 12}
              textAnchor="middle"
              fill="var(--mantine-color-gray-8)"
            >
              {s.startDate.slice(0, 7)}
            </text>
          ) : null,
        )}
        <line
          x1={PAD.left}
          x2={W - PAD.right}
          y1={y(bac)}
          y2={y(bac)}
          stroke="var(--mantine-color-gray-7)"
          strokeDasharray="2 3"
        />
        <text x={W - PAD.right} y={y(bac) - 4} textAnchor="end" fill="var(--mantine-color-gray-9)">
          BAC
        </text>
        <line
          x1={PAD.left}
          x2={W - PAD.right}
          y1={y(eac)}
          y2={y(eac)}
          stroke="var(--mantine-color-orange-9)"
          strokeDasharray="8 4"
        />
        <text x={W - PAD.right - 36} y={y(eac) - 4} textAnchor="end" fill="var(--mantine-color-orange-9)">
          EAC
        </text>
        {statusX !== undefined && (
          <g>
            <line
              x1={statusX}
              x2={statusX}
              y1={PAD.top}
              y2={H - PAD.bottom}
              stroke="var(--mantine-color-gray-7)"
            />
            <text x={statusX + 4} y={PAD.top + 10} fill="var(--mantine-color-gray-9)">
              status date
            </text>
          </g>
        )}
        {SERIES.map((s) => (
          <path
            key={s.key}
            d={path(s.key)}
            fill="none"
            stroke={s.color}
            strokeWidth={2.5}
            strokeDasharray={s.dash}
          />
        ))}
      </svg>
      <Group gap="md" component="figcaption" mt={4}>
        {SERIES.map((s) => (
          <Group key={s.key} gap={6}>
            <svg width="22" height="8" aria-hidden>
              <line x1="0" x2="22" y1="4" y2="4" stroke={s.color} strokeWidth="3" strokeDasharray={s.dash} />
            </svg>
            <Text size="sm">{s.label}</Text>
          </Group>
        ))}
        <Text size="sm">BAC dotted, EAC dashed orange</Text>
      </Group>
    </figure>
  )
}
