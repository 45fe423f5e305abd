import { describe, expect, it } from 'vitest'
import type { DataField } from '../api/types'
import { displayName } from './recipients'

const fields: DataField[] = [
  { name: 'balance', type: 'number' },
  { name: 'email', type: 'email' },
  { name: 'customer_name', type: 'string' },
  { name: 'city', type: 'string' },
]

describe('displayName', () => {
  it('takes the first string field in the journey order', () => {
    expect(displayName({ city: 'Oslo', customer_name: 'Ada', email: 'a@example.test', balance: 3 }, fields)).toBe('Ada')
  })

  it('skips an empty string field', () => {
    expect(displayName({ customer_name: ' ', city: 'Oslo' }, fields)).toBe('Oslo')
  })

  it('falls back to any text value, then to nothing', () => {
    expect(displayName({ nickname: 'Bo' }, [])).toBe('Bo')
    expect(displayName({ balance: 3 }, fields)).toBe('')
  })
})
