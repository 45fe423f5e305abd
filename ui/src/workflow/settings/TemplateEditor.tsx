import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react'
import { insertName, matchNames, openToken, type OpenToken, type TemplateName } from '../../settings/autocomplete'
import { countSms, describeSmsCount, smsLengthProblem } from '../../settings/sms'
import { Problems } from './controls'

interface TemplateEditorProps {
  label: string
  value: string
  names: TemplateName[]
  problems: string[]
  onChange: (value: string) => void
  /** Show the SMS segment counter under the box. */
  countSegments?: boolean
  rows?: number
  hint?: string
}

/**
 * A template box that completes names after `{{`: arrows move through the
 * suggestions, Enter or Tab inserts one, and Escape closes the list. It follows
 * the ARIA combobox pattern, with the list as a listbox.
 */
export function TemplateEditor({ label, value, names, problems, onChange, countSegments, rows = 4, hint }: TemplateEditorProps) {
  const id = useId()
  const box = useRef<HTMLTextAreaElement>(null)
  const [token, setToken] = useState<OpenToken>()
  const [active, setActive] = useState(0)
  const [dismissedAt, setDismissedAt] = useState<number>()
  const pendingCaret = useRef<number>(undefined)

  const suggestions = token && token.start !== dismissedAt ? matchNames(names, token.query) : []
  const open = suggestions.length > 0
  const activeIndex = Math.min(active, suggestions.length - 1)

  useLayoutEffect(() => {
    if (pendingCaret.current === undefined || !box.current) return
    box.current.setSelectionRange(pendingCaret.current, pendingCaret.current)
    pendingCaret.current = undefined
  })

  function follow(text: string, caret: number) {
    const found = openToken(text, caret)
    if (found?.start !== token?.start || found?.query !== token?.query) setActive(0)
    if (found?.start !== dismissedAt) setDismissedAt(undefined)
    setToken(found)
  }

  function pick(index: number) {
    if (!token) return
    const inserted = insertName(value, token, suggestions[index].insert)
    pendingCaret.current = inserted.caret
    onChange(inserted.text)
    setToken(openToken(inserted.text, inserted.caret))
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!open) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setActive((activeIndex + step + suggestions.length) % suggestions.length)
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault()
      pick(activeIndex)
    } else if (event.key === 'Escape') {
      // Escape closes the list only, so a dialog or panel around it stays open.
      event.preventDefault()
      event.stopPropagation()
      setDismissedAt(token?.start)
    }
  }

  const templated = /{{|{%/.test(value)
  const count = countSegments ? countSms(value) : undefined
  const tooLong = countSegments ? smsLengthProblem(value) : undefined
  const describedBy = [hint ? `${id}-hint` : '', count ? `${id}-count` : ''].filter(Boolean).join(' ')

  return (
    <div className="field template-editor">
      <label htmlFor={id}>{label}</label>
      <div className="template-box">
        <textarea
          id={id}
          ref={box}
          rows={rows}
          value={value}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={`${id}-names`}
          aria-activedescendant={open ? `${id}-name-${activeIndex}` : undefined}
          aria-invalid={problems.length > 0 || Boolean(tooLong)}
          aria-describedby={describedBy || undefined}
          onChange={(event) => {
            onChange(event.target.value)
            follow(event.target.value, event.target.selectionStart)
          }}
          onSelect={(event) => follow(event.currentTarget.value, event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={() => setToken(undefined)}
          spellCheck
        />
        <ul id={`${id}-names`} role="listbox" aria-label={`Names for ${label}`} className="template-names" hidden={!open}>
          {suggestions.map((name, index) => (
            <li
              key={name.insert}
              id={`${id}-name-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              className={index === activeIndex ? 'active' : undefined}
              // Keeps the focus in the box, which the click would otherwise take.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(index)}
            >
              <code>{name.insert}</code>
              <span className="hint">{name.description}</span>
            </li>
          ))}
        </ul>
      </div>
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {count && (
        <small id={`${id}-count`} className="sms-count" aria-live="polite">
          {describeSmsCount(count)}
          {templated ? ' before values are filled in' : ''}
        </small>
      )}
      <Problems messages={tooLong ? [`The message is too long: ${tooLong}.`, ...problems] : problems} />
    </div>
  )
}
