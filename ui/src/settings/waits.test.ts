import { describe, expect, it } from 'vitest'
import { boundedIntegerProblem, hasUtcOffset, localInputValue, offsetProblem, positiveIntegerProblem, timeOfDayProblem } from './waits'

describe('offsetProblem', () => {
  it('accepts signed offsets in every unit', () => {
    for (const text of ['+3 days', '-2 hours', '+30 minutes', '-1 day', '+1.5 weeks', ' + 2 HOURS ']) {
      expect(offsetProblem(text)).toBeUndefined()
    }
  })

  it('rejects other forms', () => {
    for (const text of ['3 days', '+3', '+three days', '+3 months', '']) expect(offsetProblem(text)).toMatch(/^invalid offset/)
  })

  it('rejects more than 100 years', () => {
    expect(offsetProblem('+36525 days')).toBeUndefined()
    expect(offsetProblem('+36526 days')).toMatch(/too large/)
  })
})

describe('numbers and times', () => {
  it('checks positive whole numbers', () => {
    expect(positiveIntegerProblem('2')).toBeUndefined()
    expect(positiveIntegerProblem('0')).toMatch(/positive whole number/)
    expect(positiveIntegerProblem('1.5')).toMatch(/positive whole number/)
    expect(positiveIntegerProblem('-1')).toMatch(/positive whole number/)
  })

  it('checks bounded whole numbers and allows empty', () => {
    expect(boundedIntegerProblem('', 5, 120)).toBeUndefined()
    expect(boundedIntegerProblem('30', 5, 120)).toBeUndefined()
    expect(boundedIntegerProblem('4', 5, 120)).toBe('4 is out of range; enter 5 to 120')
    expect(boundedIntegerProblem('x', 5, 120)).toMatch(/not a whole number/)
  })

  it('checks times of day', () => {
    expect(timeOfDayProblem('09:30')).toBeUndefined()
    expect(timeOfDayProblem('24:00')).toMatch(/24-hour/)
    expect(timeOfDayProblem('9:30')).toMatch(/24-hour/)
  })
})

describe('fixed times', () => {
  it('reads datetimes for the datetime-local box', () => {
    expect(localInputValue('2026-06-10T09:00:00')).toBe('2026-06-10T09:00')
    expect(localInputValue('2026-06-10T09:00:00-04:00')).toBe('2026-06-10T09:00')
    expect(localInputValue(undefined)).toBe('')
  })

  it('tells offsets apart from naive times', () => {
    expect(hasUtcOffset('2026-06-10T09:00:00-04:00')).toBe(true)
    expect(hasUtcOffset('2026-06-10T13:00:00Z')).toBe(true)
    expect(hasUtcOffset('2026-06-10T09:00:00')).toBe(false)
  })
})
