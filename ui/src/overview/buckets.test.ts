import { describe, expect, it } from 'vitest'
import { allowedBucket, axisLabel, bucketChoices, bucketCount, fullLabel, MAX_BUCKETS, tickIndexes } from './buckets'

const DAY_RANGE = { since: '2026-03-02T00:00:00-05:00', until: '2026-03-03T00:00:00-05:00' }

describe('bucketCount', () => {
  it('counts the buckets of a range', () => {
    expect(bucketCount(DAY_RANGE.since, DAY_RANGE.until, 'minute')).toBe(1440)
    expect(bucketCount(DAY_RANGE.since, DAY_RANGE.until, 'hour')).toBe(24)
    expect(bucketCount(DAY_RANGE.since, DAY_RANGE.until, 'day')).toBe(1)
  })

  it('rounds a cut-short bucket up and a reversed range to zero', () => {
    expect(bucketCount('2026-03-02T00:00:00Z', '2026-03-02T01:30:00Z', 'hour')).toBe(2)
    expect(bucketCount('2026-03-02T01:00:00Z', '2026-03-02T00:00:00Z', 'hour')).toBe(0)
  })
})

describe('bucketChoices', () => {
  it('disables minutes over a whole day', () => {
    const choices = bucketChoices(DAY_RANGE)
    expect(choices.map((choice) => choice.value)).toEqual(['', 'minute', 'hour', 'day'])
    expect(choices[1].disabledReason).toBe(`1,440 buckets, more than ${MAX_BUCKETS}`)
    expect(choices[2].disabledReason).toBeUndefined()
    expect(choices[3].disabledReason).toBeUndefined()
  })

  it('allows every length over an open range', () => {
    expect(bucketChoices({ since: DAY_RANGE.since }).some((choice) => choice.disabledReason)).toBe(false)
  })

  it('keeps hours up to the maximum', () => {
    const until = new Date(Date.parse('2026-03-02T00:00:00Z') + MAX_BUCKETS * 3600_000).toISOString()
    expect(bucketChoices({ since: '2026-03-02T00:00:00Z', until })[2].disabledReason).toBeUndefined()
  })
})

describe('allowedBucket', () => {
  it('falls back to automatic when the range forbids the choice', () => {
    expect(allowedBucket('minute', DAY_RANGE)).toBe('')
    expect(allowedBucket('hour', DAY_RANGE)).toBe('hour')
    expect(allowedBucket('', DAY_RANGE)).toBe('')
  })
})

describe('labels', () => {
  it('shows times for hours and dates for days, in the given zone', () => {
    expect(axisLabel('2026-03-02T15:00:00Z', 'hour', 'America/New_York')).toBe('10:00')
    expect(axisLabel('2026-03-02T05:00:00Z', 'day', 'America/New_York')).toBe('Mar 2')
    expect(fullLabel('2026-03-02T15:04:00Z', 'minute', 'UTC')).toBe('Mar 2, 2026, 15:04')
  })
})

describe('tickIndexes', () => {
  it('labels every bar when there is room', () => {
    expect(tickIndexes(4, 8)).toEqual([0, 1, 2, 3])
  })

  it('spaces labels evenly over many bars', () => {
    expect(tickIndexes(100, 8)).toEqual([0, 13, 26, 39, 52, 65, 78, 91])
    expect(tickIndexes(0, 8)).toEqual([])
  })
})
