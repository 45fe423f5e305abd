import type { DataField, Problem } from '../api/types'
import { FieldsEditor } from './settings/FieldsEditor'

interface FieldsPanelProps {
  fields: DataField[]
  problems: Problem[]
  readOnly: boolean
  onChange: (fields: DataField[]) => void
  onClose: () => void
}

/** Shows the journey's data fields in the side panel. */
export function FieldsPanel({ fields, problems, readOnly, onChange, onClose }: FieldsPanelProps) {
  return (
    <aside className="side-panel" aria-labelledby="fields-panel-title">
      <header className="side-panel-head">
        <h2 id="fields-panel-title">Data fields</h2>
        <button type="button" className="close" onClick={onClose} aria-label="Close the data fields panel">
          ×
        </button>
      </header>
      <FieldsEditor fields={fields} problems={problems} readOnly={readOnly} onChange={onChange} />
    </aside>
  )
}
