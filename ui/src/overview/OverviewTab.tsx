import type { Journey } from '../api/types'

export function OverviewTab({ journey }: { journey: Journey; runId?: number }) {
  return <section aria-label="Overview">Overview of {journey.name}</section>
}
