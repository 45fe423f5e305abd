import { describe, expect, it } from 'vitest'
import type { JourneyDocument } from '../api/types'
import { insertName, matchNames, openToken, templateNames } from './autocomplete'

const document: JourneyDocument = {
  name: 'Reminder',
  fields: [
    { name: 'customer_name', type: 'string' },
    { name: 'balance', type: 'number' },
  ],
  nodes: [
    { id: 'start', type: 'start', next: 'call-1' },
    { id: 'call-1', type: 'call', next: 'call_2' },
    { id: 'call_2', type: 'call', next: 'text' },
    { id: 'text', type: 'sms', next: 'done' },
    { id: 'done', type: 'end' },
  ],
}

describe('openToken', () => {
  it('finds the name typed after {{', () => {
    const text = 'Hi {{ cus'
    expect(openToken(text, text.length)).toEqual({ start: 6, end: 9, query: 'cus' })
  })

  it('finds an empty name right after {{', () => {
    expect(openToken('Hi {{', 5)).toEqual({ start: 5, end: 5, query: '' })
  })

  it('reads dotted names', () => {
    const text = '{{nodes.call_2.out'
    expect(openToken(text, text.length)?.query).toBe('nodes.call_2.out')
  })

  it('is closed after }}', () => {
    const text = 'Hi {{ name }} and'
    expect(openToken(text, text.length)).toBeUndefined()
  })

  it('is closed after a filter or operator', () => {
    const text = "{{ name | default('x"
    expect(openToken(text, text.length)).toBeUndefined()
    expect(openToken('{{ a + b', 8)).toBeUndefined()
  })

  it('uses the caret, not the end of the text', () => {
    const text = 'Hi {{ cu }} more'
    expect(openToken(text, 8)).toEqual({ start: 6, end: 8, query: 'cu' })
  })

  it('finds nothing without {{', () => {
    expect(openToken('Hi there', 8)).toBeUndefined()
  })
})

describe('templateNames', () => {
  const names = templateNames(document, 'text').map((name) => name.insert)

  it('offers bare field names with the built-in ones', () => {
    expect(names.slice(0, 4)).toEqual(['phone_number', 'timezone', 'customer_name', 'balance'])
  })

  it('offers earlier outputs, quoting ids that are not identifiers', () => {
    expect(names).toContain('nodes.call_2.outcome')
    expect(names).toContain("nodes['call-1'].outcome")
    expect(names).toContain('nodes.call_2.data.')
    expect(names).not.toContain('nodes.text.status')
  })
})

describe('matchNames', () => {
  const names = templateNames(document, 'text')

  it('puts prefix matches before other matches', () => {
    const found = matchNames(names, 'ti').map((name) => name.insert)
    expect(found[0]).toBe('timezone')
    expect(found).toContain('nodes.call_2.talk_time_seconds')
  })

  it('ignores case', () => {
    expect(matchNames(names, 'CUS').map((name) => name.insert)).toEqual(['customer_name'])
  })
})

describe('insertName', () => {
  it('completes and closes the expression', () => {
    const text = 'Hi {{ cus'
    const token = openToken(text, text.length)!
    expect(insertName(text, token, 'customer_name')).toEqual({ text: 'Hi {{ customer_name }}', caret: 22 })
  })

  it('keeps an existing closing }}', () => {
    const text = 'Hi {{ cu }}!'
    const token = openToken(text, 8)!
    expect(insertName(text, token, 'customer_name').text).toBe('Hi {{ customer_name }}!')
  })

  it('adds a space after a bare {{', () => {
    const token = openToken('{{', 2)!
    expect(insertName('{{', token, 'balance')).toEqual({ text: '{{ balance }}', caret: 13 })
  })
})
