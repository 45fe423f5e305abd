import { describe, expect, it } from 'vitest'
import { clockTime, isLive } from './live'

const RUNS = [
  { id: 1, status: 'completed' },
  { id: 2, status: 'running' },
  { id: 3, status: 'paused' },
]

describe('isLive', () => {
  it('follows the selected run', () => {
    expect(isLive(RUNS, 2)).toBe(true)
    expect(isLive(RUNS, 1)).toBe(false)
    expect(isLive(RUNS, 3)).toBe(false)
    expect(isLive(RUNS, 99)).toBe(false)
  })

  it('is live for all runs while any one runs', () => {
    expect(isLive(RUNS, undefined)).toBe(true)
    expect(isLive(RUNS.filter((run) => run.id !== 2), undefined)).toBe(false)
    expect(isLive([], undefined)).toBe(false)
  })
})

describe('clockTime', () => {
  it('writes hh:mm:ss on a 24-hour clock', () => {
    expect(clockTime(new Date('2026-03-02T18:04:05Z'), 'America/New_York')).toBe('13:04:05')
    expect(clockTime(new Date('2026-03-02T05:00:09Z'), 'UTC')).toBe('05:00:09')
  })
})
