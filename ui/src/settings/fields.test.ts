import { describe, expect, it } from 'vitest'
import { defaultProblem, fieldNameProblem, freshFieldName, parseDefault, withType } from './fields'

describe('fieldNameProblem', () => {
  it('accepts lowercase names starting with a letter', () => {
    expect(fieldNameProblem('customer_name', [])).toBeUndefined()
    expect(fieldNameProblem('a1_b2', [])).toBeUndefined()
  })

  it('rejects other forms', () => {
    for (const name of ['', '1st', '_x', 'Customer', 'due-date', 'due date', 'ñame']) {
      expect(fieldNameProblem(name, [])).toMatch(/^invalid field name/)
    }
  })

  it('rejects reserved and built-in names', () => {
    for (const name of ['data', 'nodes', 'recipient', 'run']) expect(fieldNameProblem(name, [])).toMatch(/is reserved/)
    expect(fieldNameProblem('phone_number', [])).toMatch(/built-in/)
    expect(fieldNameProblem('timezone', [])).toMatch(/built-in/)
  })

  it('rejects export column names with a suggestion', () => {
    expect(fieldNameProblem('status', [])).toBe(
      "'status' is a column of the recipients export; choose another field name, such as 'customer_status'",
    )
  })

  it('rejects duplicates', () => {
    expect(fieldNameProblem('balance', ['balance'])).toMatch(/duplicate field name/)
  })
})

describe('defaultProblem', () => {
  it('accepts defaults of the right type', () => {
    expect(defaultProblem({ name: 'n', type: 'integer', default: 3 })).toBeUndefined()
    expect(defaultProblem({ name: 'd', type: 'date', default: '2026-02-28' })).toBeUndefined()
    expect(defaultProblem({ name: 't', type: 'datetime', default: '2026-06-10T09:00:00-04:00' })).toBeUndefined()
    expect(defaultProblem({ name: 'e', type: 'enum', choices: ['a'], default: 'a' })).toBeUndefined()
    expect(defaultProblem({ name: 'p', type: 'phone', default: '+12025550100' })).toBeUndefined()
  })

  it('rejects defaults of another type', () => {
    expect(defaultProblem({ name: 'n', type: 'integer', default: 2.5 })).toMatch(/does not fit type integer/)
    expect(defaultProblem({ name: 'd', type: 'date', default: '2026-02-30' })).toMatch(/YYYY-MM-DD/)
    expect(defaultProblem({ name: 'e', type: 'enum', choices: ['a', 'b'], default: 'c' })).toMatch(/use one of a, b/)
    expect(defaultProblem({ name: 'p', type: 'phone', default: '2025550100' })).toMatch(/E\.164/)
    expect(defaultProblem({ name: 'b', type: 'boolean', default: 'yes' })).toMatch(/boolean/)
  })
})

describe('withType', () => {
  it('adds choices for enums and drops them otherwise', () => {
    expect(withType({ name: 'x', type: 'string' }, 'enum').choices).toEqual([])
    expect(withType({ name: 'x', type: 'enum', choices: ['a'] }, 'string').choices).toBeUndefined()
  })

  it('drops a default that no longer fits', () => {
    expect(withType({ name: 'x', type: 'string', default: 'hello' }, 'number').default).toBeUndefined()
    expect(withType({ name: 'x', type: 'integer', default: 3 }, 'number').default).toBe(3)
  })
})

describe('parseDefault', () => {
  it('reads typed values', () => {
    expect(parseDefault('number', '2.5')).toBe(2.5)
    expect(parseDefault('integer', 'x')).toBe('x')
    expect(parseDefault('boolean', 'false')).toBe(false)
    expect(parseDefault('string', '')).toBeUndefined()
  })
})

describe('freshFieldName', () => {
  it('skips taken names', () => {
    expect(freshFieldName([{ name: 'field_2', type: 'string' }])).toBe('field_3')
    expect(freshFieldName([])).toBe('field_1')
  })
})
