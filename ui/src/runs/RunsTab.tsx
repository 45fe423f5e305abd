import type { Journey } from '../api/types'

export function RunsTab({ journey }: { journey: Journey; runId?: number }) {
  return <section aria-label="Runs">Runs of {journey.name}</section>
}
