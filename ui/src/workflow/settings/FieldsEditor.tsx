import type { DataField, Problem } from '../../api/types'

export interface FieldsEditorProps {
  fields: DataField[]
  problems: Problem[]
  readOnly: boolean
  onChange: (fields: DataField[]) => void
}

// TODO: replace with the data-fields editor.
export function FieldsEditor({ fields }: FieldsEditorProps) {
  return <div className="fields-editor">{fields.length} fields</div>
}
