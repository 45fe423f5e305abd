import type { Condition } from '../../api/types'
import { conditionKind, conditionParts, convertCondition, emptyComparison, partPath, withParts, type Comparison, type ConditionKind } from '../../settings/conditions'
import { moveItem } from '../../settings/nodes'
import { isOperator, OPERATOR_LABELS, operatorsFor, otherOperators, valueForOperator } from '../../settings/operators'
import { findSubject, type Subject, type SubjectGroup } from '../../settings/subjects'
import { Problems } from './controls'
import { ValueInput } from './ValueInput'

interface ConditionEditorProps {
  condition: Condition
  /** The condition's path, as validation problems name it, such as `cases[0].when`. */
  path: string
  /** A name for screen readers, such as "Case 1 condition" or "Part 2". */
  name: string
  subjects: Subject[]
  readOnly: boolean
  messagesAt: (path: string, keys?: string[]) => string[]
  onChange: (condition: Condition) => void
  onRemove?: () => void
  onMove?: (step: number) => void
}

const KIND_LABELS: Record<ConditionKind, string> = {
  comparison: 'A comparison',
  all: 'All of these',
  any: 'Any of these',
  not: 'Not this',
}
const GROUP_ORDER: SubjectGroup[] = ['Data fields', 'Earlier nodes', 'Recipient']

/** One condition of a branch case: a comparison, or a group of conditions, nested at will. */
export function ConditionEditor(props: ConditionEditorProps) {
  const { condition, path, name, subjects, readOnly, messagesAt, onChange, onRemove, onMove } = props
  const kind = conditionKind(condition)

  return (
    <fieldset className={`condition condition-${kind}`} aria-label={name}>
      <div className="condition-head">
        <label className="inline-label">
          <span className="visually-hidden">{name}: kind</span>
          <select value={kind} onChange={(event) => onChange(convertCondition(condition, event.target.value as ConditionKind, subjects[0]?.name))}>
            {(Object.keys(KIND_LABELS) as ConditionKind[]).map((option) => (
              <option key={option} value={option}>
                {KIND_LABELS[option]}
              </option>
            ))}
          </select>
        </label>
        {kind === 'comparison' && (
          <ComparisonRow comparison={condition as Comparison} name={name} subjects={subjects} onChange={onChange} />
        )}
        {!readOnly && (onMove || onRemove) && (
          <span className="row-actions">
            {onMove && (
              <>
                <button type="button" className="small" aria-label={`Move ${name} up`} onClick={() => onMove(-1)}>
                  ↑
                </button>
                <button type="button" className="small" aria-label={`Move ${name} down`} onClick={() => onMove(1)}>
                  ↓
                </button>
              </>
            )}
            {onRemove && (
              <button type="button" className="small" aria-label={`Remove ${name}`} onClick={onRemove}>
                ✕
              </button>
            )}
          </span>
        )}
      </div>
      <Problems messages={messagesAt(path, ['subject', 'op', 'value', kind])} />
      {kind !== 'comparison' && <GroupParts {...props} />}
    </fieldset>
  )
}

function GroupParts({ condition, path, name, subjects, readOnly, messagesAt, onChange }: ConditionEditorProps) {
  const kind = conditionKind(condition)
  const parts = conditionParts(condition)

  function changePart(index: number, part: Condition) {
    onChange(withParts(condition, parts.map((found, i) => (i === index ? part : found))))
  }

  return (
    <div className="condition-parts">
      {parts.map((part, index) => (
        <ConditionEditor
          key={index}
          condition={part}
          path={partPath(path, condition, index)}
          name={`${name}, part ${index + 1}`}
          subjects={subjects}
          readOnly={readOnly}
          messagesAt={messagesAt}
          onChange={(changed) => changePart(index, changed)}
          onRemove={kind === 'not' ? undefined : () => onChange(withParts(condition, parts.filter((_, i) => i !== index)))}
          onMove={kind === 'not' || parts.length < 2 ? undefined : (step) => onChange(withParts(condition, moveItem(parts, index, step)))}
        />
      ))}
      {!readOnly && kind !== 'not' && (
        <div className="button-row">
          <button type="button" className="small" onClick={() => onChange(withParts(condition, [...parts, emptyComparison(subjects[0]?.name)]))}>
            Add comparison to {name}
          </button>
          <button type="button" className="small" onClick={() => onChange(withParts(condition, [...parts, { all: [emptyComparison(subjects[0]?.name)] }]))}>
            Add group to {name}
          </button>
        </div>
      )}
    </div>
  )
}

interface ComparisonRowProps {
  comparison: Comparison
  name: string
  subjects: Subject[]
  onChange: (condition: Condition) => void
}

function ComparisonRow({ comparison, name, subjects, onChange }: ComparisonRowProps) {
  const subject = findSubject(subjects, comparison.subject)
  const keyed = subject?.takesKey === true
  const dataKey = keyed ? comparison.subject.slice(subject.name.length + 1) : ''
  const suited = operatorsFor(subject?.type ?? 'any')
  const others = otherOperators(subject?.type ?? 'any')

  function changeSubject(nextName: string) {
    const next = findSubject(subjects, nextName)
    const ops = operatorsFor(next?.type ?? 'any')
    const op = ops.includes(comparison.op as never) ? comparison.op : ops[0]
    const changed: Comparison = { ...comparison, subject: next?.takesKey ? `${nextName}.` : nextName, op }
    if (op !== comparison.op || next?.choices !== subject?.choices) changed.value = valueForOperator(op, next?.choices ? '' : comparison.value)
    onChange(cleanValue(changed))
  }

  function changeOp(op: string) {
    onChange(cleanValue({ ...comparison, op, value: valueForOperator(op, comparison.value) }))
  }

  return (
    <span className="comparison">
      <label className="inline-label">
        <span className="visually-hidden">{name}: subject</span>
        <select value={subject ? subject.name : comparison.subject} onChange={(event) => changeSubject(event.target.value)}>
          {!subject && <option value={comparison.subject}>{comparison.subject ? `${comparison.subject} (unknown)` : 'Choose a subject'}</option>}
          {GROUP_ORDER.map((group) => (
            <optgroup key={group} label={group}>
              {subjects
                .filter((found) => found.group === group)
                .map((found) => (
                  <option key={found.name} value={found.name}>
                    {found.takesKey ? `${found.name}.<key>` : found.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      {keyed && (
        <label className="inline-label">
          <span className="visually-hidden">{name}: reported key</span>
          <input
            placeholder="key"
            value={dataKey}
            onChange={(event) => onChange({ ...comparison, subject: `${subject.name}.${event.target.value}` })}
          />
        </label>
      )}
      <label className="inline-label">
        <span className="visually-hidden">{name}: operator</span>
        <select value={comparison.op} onChange={(event) => changeOp(event.target.value)}>
          {!isOperator(comparison.op) && <option value={comparison.op}>{comparison.op} (unknown)</option>}
          {suited.map((op) => (
            <option key={op} value={op}>
              {OPERATOR_LABELS[op]}
            </option>
          ))}
          <optgroup label="Other operators">
            {others.map((op) => (
              <option key={op} value={op}>
                {OPERATOR_LABELS[op]}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <ValueInput comparison={comparison} subject={subject} name={name} onChange={(value) => onChange(cleanValue({ ...comparison, value }))} />
    </span>
  )
}

function cleanValue(comparison: Comparison): Comparison {
  if (comparison.value !== undefined) return comparison
  const { value: _value, ...rest } = comparison
  void _value
  return rest
}
