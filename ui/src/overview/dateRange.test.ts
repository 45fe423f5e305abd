import { describe, expect, it } from 'vitest'
import { offsetMinutes, rangeQuery, startOfDay } from './dateRange'

describe('startOfDay', () => {
  it('writes local midnight with its offset', () => {
    expect(startOfDay('2026-03-02', 0, 'America/New_York')).toBe('2026-03-02T00:00:00-05:00')
    expect(startOfDay('2026-07-02', 0, 'America/New_York')).toBe('2026-07-02T00:00:00-04:00')
    expect(startOfDay('2026-03-02', 0, 'Asia/Kolkata')).toBe('2026-03-02T00:00:00+05:30')
    expect(startOfDay('2026-03-02', 0, 'UTC')).toBe('2026-03-02T00:00:00+00:00')
  })

  it('moves to the next day across a month end', () => {
    expect(startOfDay('2026-02-28', 1, 'Europe/Paris')).toBe('2026-03-01T00:00:00+01:00')
  })

  it('takes the offset after a daylight saving change', () => {
    // New York moves to summer time at 02:00 on 8 March 2026.
    expect(startOfDay('2026-03-08', 1, 'America/New_York')).toBe('2026-03-09T00:00:00-04:00')
    expect(startOfDay('2026-03-08', 0, 'America/New_York')).toBe('2026-03-08T00:00:00-05:00')
  })
})

describe('offsetMinutes', () => {
  it('reads the offset of a zone at an instant', () => {
    expect(offsetMinutes(Date.parse('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-300)
    expect(offsetMinutes(Date.parse('2026-01-15T12:00:00Z'), 'Asia/Tokyo')).toBe(540)
  })
})

describe('rangeQuery', () => {
  it('sends since at the first day and until after the last day', () => {
    expect(rangeQuery({ from: '2026-03-02', to: '2026-03-04' }, 'America/New_York')).toEqual({
      query: { since: '2026-03-02T00:00:00-05:00', until: '2026-03-05T00:00:00-05:00' },
    })
  })

  it('leaves out an open end', () => {
    expect(rangeQuery({ from: '', to: '2026-03-04' }, 'UTC')).toEqual({ query: { until: '2026-03-05T00:00:00+00:00' } })
    expect(rangeQuery({ from: '', to: '' }, 'UTC')).toEqual({ query: {} })
  })

  it('takes one day as a whole day', () => {
    expect(rangeQuery({ from: '2026-03-02', to: '2026-03-02' }, 'UTC')).toEqual({
      query: { since: '2026-03-02T00:00:00+00:00', until: '2026-03-03T00:00:00+00:00' },
    })
  })

  it('rejects an end before the start', () => {
    const result = rangeQuery({ from: '2026-03-04', to: '2026-03-02' }, 'UTC')
    expect(result.query).toBeUndefined()
    expect(result.error).toContain('2026-03-02 is before the start date 2026-03-04')
  })

  it('rejects text that is not a date', () => {
    expect(rangeQuery({ from: 'March', to: '' }, 'UTC').error).toContain('March')
  })
})
