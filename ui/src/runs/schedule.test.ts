import { describe, expect, it } from 'vitest'
import { describeSchedule, formatInZone, proposedStart, scheduleBody, scheduleZone, timeZoneList, wallTime } from './schedule'

describe('scheduleBody', () => {
  it('joins date and time as the API reads them', () => {
    expect(scheduleBody('2026-12-05', ' 09:00', 'Asia/Tokyo')).toEqual({ at: '2026-12-05 09:00', timezone: 'Asia/Tokyo' })
  })
})

describe('wallTime', () => {
  it('shows one instant in two zones', () => {
    const instant = new Date('2026-03-05T14:00:00Z')
    expect(wallTime(instant, 'America/New_York')).toEqual({ date: '2026-03-05', time: '09:00' })
    expect(wallTime(instant, 'Asia/Tokyo')).toEqual({ date: '2026-03-05', time: '23:00' })
  })

  it('writes midnight as 00, not 24', () => {
    expect(wallTime(new Date('2026-03-05T15:00:00Z'), 'Asia/Tokyo')).toEqual({ date: '2026-03-06', time: '00:00' })
  })
})

describe('proposedStart', () => {
  it('is the first full hour at least an hour ahead', () => {
    expect(proposedStart(new Date('2026-03-05T14:20:00Z'), 'UTC')).toEqual({ date: '2026-03-05', time: '16:00' })
    expect(proposedStart(new Date('2026-03-05T14:00:00Z'), 'Asia/Tokyo')).toEqual({ date: '2026-03-06', time: '00:00' })
  })
})

describe('formatInZone', () => {
  it('names the zone offset', () => {
    expect(formatInZone('2026-03-05T14:00:00Z', 'Asia/Tokyo', 'en-US')).toBe('Mar 5, 2026, 11:00 PM GMT+9')
    expect(formatInZone('2026-03-05T14:00:00Z', 'America/New_York', 'en-US')).toBe('Mar 5, 2026, 9:00 AM EST')
  })

  it('returns text it cannot read unchanged', () => {
    expect(formatInZone('soon', 'UTC')).toBe('soon')
  })
})

describe('describeSchedule', () => {
  it('shows the chosen zone and the browser zone', () => {
    const summary = describeSchedule('2026-03-05T00:00:00Z', '2026-03-05 09:00 Asia/Tokyo', 'America/New_York', 'en-US')
    expect(summary.chosen).toBe('Mar 5, 2026, 9:00 AM GMT+9 (Asia/Tokyo)')
    expect(summary.browser).toBe('Mar 4, 2026, 7:00 PM EST (America/New_York)')
  })

  it('leaves out the browser line when the zones match', () => {
    const summary = describeSchedule('2026-03-05T14:00:00Z', '2026-03-05 09:00 America/New_York', 'America/New_York', 'en-US')
    expect(summary.browser).toBeUndefined()
  })

  it('falls back to UTC without a schedule text', () => {
    expect(describeSchedule('2026-03-05T14:00:00Z', null, 'UTC', 'en-US').chosen).toBe('Mar 5, 2026, 2:00 PM UTC')
  })

  it('names UTC once for a viewer in UTC', () => {
    const summary = describeSchedule('2026-03-05T05:30:00Z', '2026-03-05 14:30 Asia/Tokyo', 'UTC', 'en-US')
    expect(summary.browser).toBe('Mar 5, 2026, 5:30 AM UTC')
  })
})

describe('scheduleZone and timeZoneList', () => {
  it('reads the zone of a schedule text', () => {
    expect(scheduleZone('2026-03-05 09:00 Asia/Tokyo')).toBe('Asia/Tokyo')
    expect(scheduleZone(null)).toBeUndefined()
  })

  it('lists UTC and the known zones once each', () => {
    const zones = timeZoneList(['Asia/Tokyo', 'UTC'])
    expect(zones).toContain('UTC')
    expect(zones).toContain('America/New_York')
    expect(zones.filter((zone) => zone === 'Asia/Tokyo')).toHaveLength(1)
  })
})
