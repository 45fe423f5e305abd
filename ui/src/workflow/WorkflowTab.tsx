import type { Journey } from '../api/types'

export function WorkflowTab({ journey }: { journey: Journey; onSaved: () => void }) {
  return <section aria-label="Workflow">{journey.document.nodes.length} nodes</section>
}
