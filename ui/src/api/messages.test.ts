import { describe, expect, it } from 'vitest'
import { plainMessage } from './messages'

describe('plainMessage', () => {
  it('drops the Pydantic prefix', () => {
    expect(plainMessage("Value error, invalid calling window 'x'")).toBe("invalid calling window 'x'")
  })

  it('keeps other messages', () => {
    expect(plainMessage('Input should be greater than or equal to 1')).toBe('Input should be greater than or equal to 1')
  })
})
