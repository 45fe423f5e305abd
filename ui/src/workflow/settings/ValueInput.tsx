import { useEffect, useState } from 'react'
import type { Comparison } from '../../settings/conditions'
import { choiceValue, listText, listValue, numberValue, valueInputFor } from '../../settings/operators'
import type { Subject } from '../../settings/subjects'

interface ValueInputProps {
  comparison: Comparison
  subject: Subject | undefined
  name: string
  onChange: (value: unknown) => void
}

const MOMENT_WORDS = ['today', 'now', '+1 day', '-1 day', '+3 days', '+2 hours']

/** The value of a comparison: choices where the values are known, a typed box otherwise, nothing for unary operators. */
export function ValueInput({ comparison, subject, name, onChange }: ValueInputProps) {
  const input = valueInputFor(comparison.op, subject)
  const label = `${name}: value`
  const value = comparison.value

  if (input === 'none') return null
  if (input === 'choice') {
    const choices = subject?.choices ?? []
    const current = value === undefined || value === null ? '' : String(value)
    return (
      <select aria-label={label} value={current} onChange={(event) => onChange(choiceValue(subject, event.target.value))}>
        {!choices.includes(current) && <option value={current}>{current === '' ? 'Choose a value' : `${current} (not possible)`}</option>}
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    )
  }
  if (input === 'choices') {
    const chosen = Array.isArray(value) ? value.map(String) : []
    return (
      <fieldset className="value-choices" aria-label={label}>
        {(subject?.choices ?? []).map((choice) => (
          <label key={choice} className="checkbox">
            <input
              type="checkbox"
              checked={chosen.includes(choice)}
              onChange={(event) => onChange(event.target.checked ? [...chosen, choice] : chosen.filter((found) => found !== choice))}
            />
            {choice}
          </label>
        ))}
      </fieldset>
    )
  }
  if (input === 'list' || input === 'numbers') {
    return (
      <input
        aria-label={`${label}s, separated by commas`}
        key={listText(value)}
        placeholder="a, b, c"
        defaultValue={listText(value)}
        onBlur={(event) => onChange(listValue(event.target.value, input === 'numbers'))}
      />
    )
  }
  if (input === 'moment') {
    return (
      <>
        <input
          aria-label={label}
          title={`A date, a datetime, today, now or an offset such as +3 days`}
          placeholder="2026-06-10, today, +3 days"
          list="condition-moment-words"
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(event) => onChange(event.target.value)}
        />
        <datalist id="condition-moment-words">
          {MOMENT_WORDS.map((word) => (
            <option key={word} value={word} />
          ))}
        </datalist>
      </>
    )
  }
  if (input === 'number') return <NumberValue value={value} label={label} onChange={onChange} />
  return <input aria-label={label} value={value === undefined || value === null ? '' : String(value)} onChange={(event) => onChange(event.target.value)} />
}

/** A number box that keeps what is typed, such as "1.", while passing the number on. */
function NumberValue({ value, label, onChange }: { value: unknown; label: string; onChange: (value: unknown) => void }) {
  const shown = value === undefined || value === null ? '' : String(value)
  const [text, setText] = useState(shown)

  useEffect(() => {
    setText((current) => (numberValue(current) === value ? current : shown))
  }, [shown, value])

  return (
    <input
      aria-label={label}
      inputMode="decimal"
      value={text}
      onChange={(event) => {
        setText(event.target.value)
        onChange(numberValue(event.target.value))
      }}
    />
  )
}
