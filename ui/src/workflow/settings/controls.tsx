import { useEffect, useState } from 'react'
import { Field } from '../../components/Field'
import { timeZoneNames } from '../../settings/timezones'

/** Validation messages in place, next to the control they concern. */
export function Problems({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null
  return (
    <ul className="setting-problems" role="alert">
      {[...new Set(messages)].map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  )
}

/** Joins the local check and the server's problems into the one error a Field shows. */
export function joinErrors(local: string | undefined, problems: string[]): string | undefined {
  const all = [local, ...problems].filter((message): message is string => Boolean(message))
  return all.length > 0 ? all.join(' ') : undefined
}

interface NumberSettingProps {
  label: string
  value: unknown
  hint?: string
  problems: string[]
  check: (text: string) => string | undefined
  onChange: (value: number | undefined) => void
}

/**
 * A whole-number box that keeps what is typed, passes numbers on, and checks the
 * text locally. An empty box passes undefined, so the setting takes its default.
 */
export function NumberSetting({ label, value, hint, problems, check, onChange }: NumberSettingProps) {
  const shown = typeof value === 'number' ? String(value) : ''
  const [text, setText] = useState(shown)

  useEffect(() => {
    setText((current) => (Number(current) === value && current.trim() !== '' ? current : shown))
  }, [shown, value])

  return (
    <Field label={label} hint={hint} error={joinErrors(check(text), problems)}>
      {(props) => (
        <input
          {...props}
          type="text"
          inputMode="numeric"
          value={text}
          onChange={(event) => {
            const typed = event.target.value
            setText(typed)
            const number = Number(typed.trim())
            if (typed.trim() === '') onChange(undefined)
            else if (Number.isFinite(number)) onChange(number)
          }}
        />
      )}
    </Field>
  )
}

interface TimeZoneSelectProps {
  label: string
  value: string | undefined
  /** The text of the empty choice; without it a zone must be chosen. */
  emptyLabel?: string
  hint?: string
  problems: string[]
  onChange: (zone: string | undefined) => void
}

export function TimeZoneSelect({ label, value, emptyLabel, hint, problems, onChange }: TimeZoneSelectProps) {
  const zones = timeZoneNames(value)
  return (
    <Field label={label} hint={hint} error={joinErrors(undefined, problems)}>
      {(props) => (
        <select {...props} value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)}>
          <option value="">{emptyLabel ?? 'Choose a time zone'}</option>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

interface RadioGroupProps<T extends string> {
  legend: string
  name: string
  value: T | undefined
  options: { value: T; label: string; hint?: string }[]
  problems?: string[]
  onChange: (value: T) => void
}

export function RadioGroup<T extends string>({ legend, name, value, options, problems = [], onChange }: RadioGroupProps<T>) {
  return (
    <fieldset className="radio-group">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className="radio">
          <input type="radio" name={name} value={option.value} checked={value === option.value} onChange={() => onChange(option.value)} />
          <span>
            {option.label}
            {option.hint && <small className="hint"> {option.hint}</small>}
          </span>
        </label>
      ))}
      <Problems messages={problems} />
    </fieldset>
  )
}
