import { Tag } from '../ui/Tag'

const TONES = { recruiting: 'good', paused: 'info', closed: 'bad', 'not-recruiting': 'neutral' } as const

/** A study's recruiting status; only `recruiting` studies are offered to the website. */
export function RecruitingTag({ status }: { status: keyof typeof TONES }) {
  return <Tag tone={TONES[status]}>{status}</Tag>
}
