import { Field } from '../../components/Field'
import { joinErrors } from './controls'

interface RegistrySelectProps {
  label: string
  value: unknown
  options: { value: string; label: string }[]
  /** The kind of entry, named in the warning, such as "sender number". */
  noun: string
  problems: string[]
  onChange: (value: string | undefined) => void
}

/**
 * A choice among registered numbers or agents. A value the document names but the
 * registry lacks stays selectable, marked "(not registered)", with a warning.
 */
export function RegistrySelect({ label, value, options, noun, problems, onChange }: RegistrySelectProps) {
  const current = typeof value === 'string' ? value : ''
  const missing = current !== '' && !options.some((option) => option.value === current)
  const warning = missing ? `The ${noun} ${current} is not registered, so the journey cannot be saved until you choose a registered one.` : undefined
  const hint = options.length === 0 ? `No ${noun} is registered yet; an admin can add one.` : undefined

  return (
    <Field label={label} hint={hint} error={joinErrors(warning, problems.filter((problem) => !missing || !problem.includes('not registered')))}>
      {(props) => (
        <select {...props} value={current} onChange={(event) => onChange(event.target.value || undefined)}>
          <option value="">Choose…</option>
          {missing && <option value={current}>{current} (not registered)</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}
