import { useEffect, useState } from 'react'
import type { DataField, FieldType, Problem } from '../../api/types'
import { choicesProblem, defaultProblem, FIELD_TYPES, fieldNameProblem, freshFieldName, parseDefault, withType } from '../../settings/fields'
import { moveItem } from '../../settings/nodes'
import { fieldProblems } from '../../settings/problems'
import { BUILTIN_FIELDS } from '../../settings/subjects'
import { Problems } from './controls'
import './settings.css'

export interface FieldsEditorProps {
  fields: DataField[]
  problems: Problem[]
  readOnly: boolean
  onChange: (fields: DataField[]) => void
}

/**
 * The journey's data fields as a table: name, type, required, default and enum
 * choices, with the two built-in fields shown read-only above them.
 */
// NOTE: renaming a field does not rename the templates and conditions that read it,
// so validation then lists each of those as an unknown name.
export function FieldsEditor({ fields, problems, readOnly, onChange }: FieldsEditorProps) {
  function change(index: number, field: DataField) {
    onChange(fields.map((found, i) => (i === index ? field : found)))
  }

  const unplaced = problems.filter((problem) => !/^fields\[\d+\]/.test(problem.path ?? ''))

  return (
    <section className="fields-editor" aria-label="Data fields">
      <Problems messages={unplaced.map((problem) => problem.message)} />
      <table className="table fields-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Default</th>
            <th scope="col">Choices</th>
            {!readOnly && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {BUILTIN_FIELDS.map((field) => (
            <tr key={field.name} className="builtin-field">
              <td>
                <code>{field.name}</code> <span className="badge">built-in</span>
              </td>
              <td data-label="Type">{field.type}</td>
              <td data-label="Required">{field.required ? 'required' : 'optional'}</td>
              <td className="hint" data-label="Default">{field.name === 'phone_number' ? 'from the CSV, in E.164' : 'from the number unless given'}</td>
              <td />
              {!readOnly && <td />}
            </tr>
          ))}
          {fields.map((field, index) => (
            <FieldRow
              key={index}
              index={index}
              field={field}
              count={fields.length}
              otherNames={fields.filter((_, i) => i !== index).map((other) => other.name)}
              problems={fieldProblems(problems, index)}
              readOnly={readOnly}
              onChange={(changed) => change(index, changed)}
              onRemove={() => onChange(fields.filter((_, i) => i !== index))}
              onMove={(step) => onChange(moveItem(fields, index, step))}
            />
          ))}
        </tbody>
      </table>
      {!readOnly && (
        <button type="button" onClick={() => onChange([...fields, { name: freshFieldName(fields), type: 'string' }])}>
          Add field
        </button>
      )}
    </section>
  )
}

interface FieldRowProps {
  index: number
  field: DataField
  count: number
  otherNames: string[]
  problems: { setting: string; message: string }[]
  readOnly: boolean
  onChange: (field: DataField) => void
  onRemove: () => void
  onMove: (step: number) => void
}

function FieldRow({ index, field, count, otherNames, problems, readOnly, onChange, onRemove, onMove }: FieldRowProps) {
  const at = (setting: string) => problems.filter((problem) => problem.setting === setting).map((problem) => problem.message)
  const rest = problems.filter((problem) => !['name', 'type', 'required', 'default', 'choices'].includes(problem.setting))
  const nameProblems = [fieldNameProblem(field.name, otherNames), ...at('name')].filter((message): message is string => Boolean(message))
  const defaultProblems = [defaultProblem(field), ...at('default')].filter((message): message is string => Boolean(message))
  const choiceProblems = [choicesProblem(field), ...at('choices')].filter((message): message is string => Boolean(message))
  const row = `field ${index + 1}`

  return (
    <tr>
      <td data-label="Name">
        <input
          aria-label={`Name of ${row}`}
          value={field.name}
          disabled={readOnly}
          aria-invalid={nameProblems.length > 0}
          onChange={(event) => onChange({ ...field, name: event.target.value })}
        />
        <Problems messages={[...nameProblems, ...rest.map((problem) => problem.message)]} />
      </td>
      <td data-label="Type">
        <select
          aria-label={`Type of ${field.name || row}`}
          value={field.type}
          disabled={readOnly}
          onChange={(event) => onChange(withType(field, event.target.value as FieldType))}
        >
          {FIELD_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        <Problems messages={at('type')} />
      </td>
      <td data-label="Required">
        <input
          type="checkbox"
          aria-label={`${field.name || row} is required`}
          checked={field.required === true}
          disabled={readOnly}
          onChange={(event) => onChange(withFlag(field, event.target.checked))}
        />
      </td>
      <td data-label="Default">
        <DefaultInput field={field} label={`Default of ${field.name || row}`} readOnly={readOnly} onChange={onChange} />
        <Problems messages={defaultProblems} />
      </td>
      <td data-label="Choices">
        {field.type === 'enum' && <ChoicesInput field={field} label={`Choices of ${field.name || row}`} readOnly={readOnly} onChange={onChange} />}
        <Problems messages={choiceProblems} />
      </td>
      {!readOnly && (
        <td className="field-actions">
          <span className="row-actions">
            <button type="button" className="small" aria-label={`Move ${field.name || row} up`} disabled={index === 0} onClick={() => onMove(-1)}>
              ↑
            </button>
            <button type="button" className="small" aria-label={`Move ${field.name || row} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
              ↓
            </button>
            <button type="button" className="small danger" aria-label={`Remove ${field.name || row}`} onClick={onRemove}>
              ✕
            </button>
          </span>
        </td>
      )}
    </tr>
  )
}

interface TypedInputProps {
  field: DataField
  label: string
  readOnly: boolean
  onChange: (field: DataField) => void
}

/** The default box, typed by the field's type, where empty means no default. */
function DefaultInput({ field, label, readOnly, onChange }: TypedInputProps) {
  const shown = field.default === undefined || field.default === null ? '' : String(field.default)
  const set = (text: string) => onChange(withDefault(field, parseDefault(field.type, text)))

  if (field.type === 'boolean' || field.type === 'enum') {
    const choices = field.type === 'boolean' ? ['true', 'false'] : (field.choices ?? [])
    return (
      <select aria-label={label} value={shown} disabled={readOnly} onChange={(event) => set(event.target.value)}>
        <option value="">No default</option>
        {!choices.includes(shown) && shown !== '' && <option value={shown}>{shown}</option>}
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    )
  }

  const kinds: Partial<Record<FieldType, { type: string; placeholder?: string; inputMode?: 'decimal' | 'numeric' | 'tel' | 'email' }>> = {
    number: { type: 'text', inputMode: 'decimal' },
    integer: { type: 'text', inputMode: 'numeric' },
    date: { type: 'date' },
    datetime: { type: 'text', placeholder: '2026-06-10T09:00:00-04:00' },
    phone: { type: 'tel', placeholder: '+12025550100', inputMode: 'tel' },
    email: { type: 'email', inputMode: 'email' },
  }
  const kind = kinds[field.type] ?? { type: 'text' }
  return <TextDefault field={field} label={label} readOnly={readOnly} shown={shown} kind={kind} onText={set} />
}

interface TextDefaultProps {
  field: DataField
  label: string
  readOnly: boolean
  shown: string
  kind: { type: string; placeholder?: string; inputMode?: 'decimal' | 'numeric' | 'tel' | 'email' }
  onText: (text: string) => void
}

// Keeps the typed text, such as "1." on the way to "1.5", while the parsed default is passed on.
function TextDefault({ field, label, readOnly, shown, kind, onText }: TextDefaultProps) {
  const [text, setText] = useState(shown)

  useEffect(() => {
    setText((current) => (String(parseDefault(field.type, current) ?? '') === shown ? current : shown))
  }, [shown, field.type])

  return (
    <input
      aria-label={label}
      type={kind.type}
      inputMode={kind.inputMode}
      placeholder={kind.placeholder}
      value={text}
      disabled={readOnly}
      onChange={(event) => {
        setText(event.target.value)
        onText(event.target.value)
      }}
    />
  )
}

/** The choices of an enum field, typed as a comma-separated list. */
function ChoicesInput({ field, label, readOnly, onChange }: TypedInputProps) {
  const shown = (field.choices ?? []).join(', ')
  const [text, setText] = useState(shown)

  useEffect(() => {
    setText((current) => (splitChoices(current).join(', ') === shown ? current : shown))
  }, [shown])

  return (
    <input
      aria-label={label}
      placeholder="gold, silver"
      value={text}
      disabled={readOnly}
      onChange={(event) => {
        setText(event.target.value)
        onChange({ ...field, choices: splitChoices(event.target.value) })
      }}
    />
  )
}

function splitChoices(text: string): string[] {
  return text
    .split(',')
    .map((choice) => choice.trim())
    .filter((choice) => choice !== '')
}

function withDefault(field: DataField, value: unknown): DataField {
  const changed: DataField = { ...field, default: value }
  if (value === undefined) delete changed.default
  return changed
}

function withFlag(field: DataField, required: boolean): DataField {
  const changed: DataField = { ...field, required }
  if (!required) delete changed.required
  return changed
}
