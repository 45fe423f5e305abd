// The row above the canvas: history, layout, data fields, live counts and save.
import type { JourneyRun } from './useRunCounts'

interface ToolbarProps {
  readOnly: boolean
  canUndo: boolean
  canRedo: boolean
  onUndo: () => void
  onRedo: () => void
  onLayout: () => void
  fieldCount: number
  fieldsOpen: boolean
  onToggleFields: () => void
  runs: JourneyRun[]
  runId: number | undefined
  onRunChange: (runId: number | undefined) => void
  dirty: boolean
  version: number
  onSave: () => void
}

export function Toolbar(props: ToolbarProps) {
  const { readOnly, runs, runId } = props
  return (
    <div className="workflow-toolbar" role="toolbar" aria-label="Workflow tools">
      {!readOnly && (
        <>
          <button type="button" onClick={props.onUndo} disabled={!props.canUndo} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" onClick={props.onRedo} disabled={!props.canRedo} title="Redo (Ctrl+Shift+Z or Ctrl+Y)">
            Redo
          </button>
          <button type="button" onClick={props.onLayout}>
            Auto layout
          </button>
        </>
      )}
      <button type="button" aria-pressed={props.fieldsOpen} onClick={props.onToggleFields}>
        Data fields ({props.fieldCount})
      </button>
      <label className="run-picker">
        Show counts for run
        <select value={runId ?? ''} onChange={(event) => props.onRunChange(event.target.value ? Number(event.target.value) : undefined)}>
          <option value="">None</option>
          {runs.map((run) => (
            <option key={run.id} value={run.id}>
              {run.name} ({run.status})
            </option>
          ))}
        </select>
      </label>
      <span className="toolbar-spacer" />
      {readOnly ? (
        <span className="badge">Read only</span>
      ) : (
        <>
          <span className={`save-state${props.dirty ? ' is-dirty' : ''}`} role="status">
            {props.dirty ? 'Unsaved changes' : `Saved · version ${props.version}`}
          </span>
          <button type="button" className="primary" disabled={!props.dirty} onClick={props.onSave}>
            Save…
          </button>
        </>
      )}
    </div>
  )
}
