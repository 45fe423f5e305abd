import { describe, expect, it } from 'vitest'
import { journeyPath, parseRoute } from './router'

describe('parseRoute', () => {
  it('reads the journeys list', () => {
    expect(parseRoute('/')).toEqual({ page: 'journeys' })
    expect(parseRoute('/journeys')).toEqual({ page: 'journeys' })
  })

  it('reads a journey tab and an optional run', () => {
    expect(parseRoute('/journeys/7')).toEqual({ page: 'journey', journeyId: 7, tab: 'workflow', runId: undefined })
    expect(parseRoute('/journeys/7/runs/12')).toEqual({ page: 'journey', journeyId: 7, tab: 'runs', runId: 12 })
  })

  it('rejects unknown tabs and trailing parts', () => {
    expect(parseRoute('/journeys/7/settings').page).toBe('not-found')
    expect(parseRoute('/journeys/7/runs/x').page).toBe('not-found')
    expect(parseRoute('/journeys/7/runs/1/2').page).toBe('not-found')
    expect(parseRoute('/elsewhere').page).toBe('not-found')
  })

  it('round-trips journeyPath', () => {
    expect(parseRoute(journeyPath(3, 'overview'))).toEqual({ page: 'journey', journeyId: 3, tab: 'overview', runId: undefined })
    expect(parseRoute(journeyPath(3, 'runs', 9))).toEqual({ page: 'journey', journeyId: 3, tab: 'runs', runId: 9 })
  })
})
