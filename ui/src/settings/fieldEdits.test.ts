import { describe, expect, it } from 'vitest'
import type { DataField } from '../api/types'
import { fieldsEditKey } from './fieldEdits'

const fields: DataField[] = [
  { name: 'amount', type: 'number' },
  { name: 'plan', type: 'string' },
]

describe('fieldsEditKey', () => {
  it('keys typing in one name', () => {
    const renamed = [{ ...fields[0], name: 'amount_due' }, fields[1]]
    expect(fieldsEditKey(fields, renamed)).toBe('fields:0:name')
  })

  it('keys names of different fields apart', () => {
    const renamed = [fields[0], { ...fields[1], name: 'tier' }]
    expect(fieldsEditKey(fields, renamed)).toBe('fields:1:name')
  })

  it('gives adding a field no key', () => {
    expect(fieldsEditKey(fields, [...fields, { name: 'field_3', type: 'string' }])).toBeUndefined()
  })

  it('gives removing a field no key', () => {
    expect(fieldsEditKey(fields, [fields[0]])).toBeUndefined()
  })

  it('gives a type change no key', () => {
    expect(fieldsEditKey(fields, [{ ...fields[0], type: 'string' }, fields[1]])).toBeUndefined()
  })

  it('gives a move no key', () => {
    expect(fieldsEditKey(fields, [fields[1], fields[0]])).toBeUndefined()
  })
})
