import { useId } from 'react'
import type { BranchCase, JourneyDocument, JourneyNode } from '../../api/types'
import { emptyComparison } from '../../settings/conditions'
import { freshLabel, moveItem } from '../../settings/nodes'
import type { Subject } from '../../settings/subjects'
import { ConditionEditor } from './ConditionEditor'
import { Problems } from './controls'

interface BranchSettingsProps {
  node: JourneyNode
  document: JourneyDocument
  subjects: Subject[]
  readOnly: boolean
  messages: (setting: string) => string[]
  messagesAt: (path: string, keys?: string[]) => string[]
  set: (changes: Record<string, unknown>) => void
}

/**
 * The cases of a branch, tried in order. Each case keeps its own `next` when the
 * cases are reordered, because the canvas draws one handle per case by position.
 */
export function BranchSettings({ node, document, subjects, readOnly, messages, messagesAt, set }: BranchSettingsProps) {
  const cases = node.cases ?? []

  function change(next: BranchCase[]) {
    set({ cases: next })
  }

  function addCase() {
    const label = freshLabel('Case', cases.map((found) => found.label))
    change([...cases, { label, when: emptyComparison(subjects.find((subject) => subject.group === 'Earlier nodes')?.name ?? subjects[0]?.name) }])
  }

  return (
    <>
      <p className="hint">The first case whose condition is true decides the path; connect each case on the canvas.</p>
      {cases.map((branchCase, index) => (
        <CaseEditor
          key={index}
          index={index}
          count={cases.length}
          branchCase={branchCase}
          document={document}
          subjects={subjects}
          readOnly={readOnly}
          messagesAt={messagesAt}
          onChange={(changed) => change(cases.map((found, i) => (i === index ? changed : found)))}
          onRemove={() => change(cases.filter((_, i) => i !== index))}
          onMove={(step) => change(moveItem(cases, index, step))}
        />
      ))}
      <Problems messages={messages('cases').filter((message) => !cases.some((_, index) => messages(`cases[${index}]`).includes(message)))} />
      {!readOnly && (
        <button type="button" onClick={addCase}>
          Add case
        </button>
      )}
      <section className="settings-section default-path">
        <h3>Default path</h3>
        <p className="hint">
          When no case matches, or a value a case reads is missing, the recipient goes to{' '}
          {node.default ? <strong>{nodeName(document, node.default)}</strong> : 'the default path, which is not connected yet'}. Its{' '}
          <code>taken</code> output is then <code>default</code>.
        </p>
        <Problems messages={messages('default')} />
      </section>
    </>
  )
}

interface CaseEditorProps {
  index: number
  count: number
  branchCase: BranchCase
  document: JourneyDocument
  subjects: Subject[]
  readOnly: boolean
  messagesAt: (path: string, keys?: string[]) => string[]
  onChange: (branchCase: BranchCase) => void
  onRemove: () => void
  onMove: (step: number) => void
}

function CaseEditor({ index, count, branchCase, document, subjects, readOnly, messagesAt, onChange, onRemove, onMove }: CaseEditorProps) {
  const labelId = useId()
  const path = `cases[${index}]`
  const name = `Case ${index + 1}`
  const labelProblems = messagesAt(`${path}.label`)

  return (
    <fieldset className="branch-case" aria-label={name}>
      <legend>{name}</legend>
      <div className="field">
        <label htmlFor={labelId}>{name} label</label>
        <input
          id={labelId}
          value={branchCase.label ?? ''}
          aria-invalid={labelProblems.length > 0}
          onChange={(event) => onChange({ ...branchCase, label: event.target.value })}
        />
        <Problems messages={labelProblems} />
      </div>
      <ConditionEditor
        condition={branchCase.when ?? emptyComparison()}
        path={`${path}.when`}
        name={`${name} condition`}
        subjects={subjects}
        readOnly={readOnly}
        messagesAt={messagesAt}
        onChange={(when) => onChange({ ...branchCase, when })}
      />
      <p className="hint case-target">
        Goes to {branchCase.next ? <strong>{nodeName(document, branchCase.next)}</strong> : 'nothing yet: connect this case on the canvas'}.
      </p>
      <Problems messages={[...messagesAt(path), ...messagesAt(`${path}.next`)]} />
      {!readOnly && (
        <div className="button-row">
          <button type="button" className="small" disabled={index === 0} onClick={() => onMove(-1)}>
            Move {name} up
          </button>
          <button type="button" className="small" disabled={index === count - 1} onClick={() => onMove(1)}>
            Move {name} down
          </button>
          <button type="button" className="small danger" disabled={count === 1} onClick={onRemove}>
            Remove {name}
          </button>
        </div>
      )}
    </fieldset>
  )
}

function nodeName(document: JourneyDocument, id: string): string {
  const node = document.nodes.find((found) => found.id === id)
  return node?.label ? `${node.label} (${id})` : id
}
