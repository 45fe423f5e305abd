import { ReactFlowProvider } from '@xyflow/react'
import { loadRegistry } from '../api/registry'
import type { Journey } from '../api/types'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync } from '../components/useAsync'
import { useCan } from '../session'
import { WorkflowEditor } from './WorkflowEditor'

export function WorkflowTab({ journey, onSaved }: { journey: Journey; onSaved: () => void }) {
  const registry = useAsync(loadRegistry, [])
  const canEdit = useCan('operator')

  if (registry.error) return <ErrorNotice error={registry.error} />
  if (!registry.data) return <p className="loading">Loading the workflow…</p>
  return (
    <ReactFlowProvider>
      <WorkflowEditor journey={journey} registry={registry.data} readOnly={!canEdit} onSaved={onSaved} />
    </ReactFlowProvider>
  )
}
