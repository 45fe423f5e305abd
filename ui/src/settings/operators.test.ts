import { describe, expect, it } from 'vitest'
import { listValue, numberValue, OPERATORS, operatorsFor, otherOperators, valueForOperator, valueInputFor } from './operators'
import type { Subject } from './subjects'

const outcome: Subject = { name: 'nodes.call_1.outcome', group: 'Earlier nodes', type: 'enum', choices: ['answered', 'voicemail'], description: '' }
const balance: Subject = { name: 'data.balance', group: 'Data fields', type: 'number', description: '' }
const name: Subject = { name: 'data.customer_name', group: 'Data fields', type: 'string', description: '' }

describe('operatorsFor', () => {
  it('offers text operators for strings', () => {
    expect(operatorsFor('string')).toContain('starts_with')
    expect(operatorsFor('string')).not.toContain('greater_than')
  })

  it('offers ordering for numbers', () => {
    expect(operatorsFor('integer')).toContain('less_or_equal')
    expect(operatorsFor('number')).not.toContain('contains')
  })

  it('offers before and after for dates', () => {
    expect(operatorsFor('date').slice(0, 2)).toEqual(['before', 'after'])
  })

  it('offers truth tests for booleans', () => {
    expect(operatorsFor('boolean')).toEqual(['is_true', 'is_false', 'is_empty', 'is_not_empty'])
  })

  it('offers every operator for unknown values', () => {
    expect(operatorsFor('any')).toEqual([...OPERATORS])
  })

  it('keeps every operator reachable', () => {
    for (const type of ['string', 'enum', 'number', 'boolean', 'date'] as const) {
      expect([...operatorsFor(type), ...otherOperators(type)].sort()).toEqual([...OPERATORS].sort())
    }
  })
})

describe('valueInputFor', () => {
  it('needs no value for unary operators', () => {
    for (const op of ['is_empty', 'is_not_empty', 'is_true', 'is_false']) expect(valueInputFor(op, name)).toBe('none')
  })

  it('offers choices where values are known', () => {
    expect(valueInputFor('equals', outcome)).toBe('choice')
    expect(valueInputFor('in', outcome)).toBe('choices')
  })

  it('uses typed boxes otherwise', () => {
    expect(valueInputFor('equals', name)).toBe('text')
    expect(valueInputFor('equals', balance)).toBe('number')
    expect(valueInputFor('greater_than', name)).toBe('number')
    expect(valueInputFor('in', balance)).toBe('numbers')
    expect(valueInputFor('in', name)).toBe('list')
    expect(valueInputFor('before', undefined)).toBe('moment')
  })
})

describe('values', () => {
  it('moves a value between list and single operators', () => {
    expect(valueForOperator('in', 'voicemail')).toEqual(['voicemail'])
    expect(valueForOperator('equals', ['voicemail', 'busy'])).toBe('voicemail')
    expect(valueForOperator('is_empty', 'x')).toBeUndefined()
    expect(valueForOperator('in', undefined)).toEqual([])
  })

  it('reads numbers and lists', () => {
    expect(numberValue('12.5')).toBe(12.5)
    expect(numberValue('twelve')).toBe('twelve')
    expect(numberValue('')).toBe('')
    expect(listValue('a, b,,c ', false)).toEqual(['a', 'b', 'c'])
    expect(listValue('1, 2.5', true)).toEqual([1, 2.5])
  })
})
