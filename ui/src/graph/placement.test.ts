import { describe, expect, it } from 'vitest'
import type { JourneyDocument } from '../api/types'
import { disconnect } from './edit'
import { demoJourney } from './fixtures/documents'
import { COLUMN_WIDTH, LAYER_HEIGHT } from './layout'
import { positionAfter } from './placement'

describe('positionAfter', () => {
  it('beside the middle of the edge', () => {
    expect(positionAfter(demoJourney, 'wait_retry')).toEqual({ x: COLUMN_WIDTH / 2, y: 540 })
  })

  it('a branch uses its default edge', () => {
    expect(positionAfter(demoJourney, 'first_outcome')).toEqual({ x: COLUMN_WIDTH / 2, y: 360 })
  })

  it('below a node without an edge', () => {
    expect(positionAfter(demoJourney, 'paid')).toEqual({ x: -250, y: 840 + LAYER_HEIGHT })
    const open = disconnect(demoJourney, 'first_call', 'next')
    expect(positionAfter(open, 'first_call')).toEqual({ x: 0, y: 120 + LAYER_HEIGHT })
  })

  it('nothing without a position', () => {
    const unplaced: JourneyDocument = { name: 'x', fields: [], nodes: [{ id: 'start', type: 'start' }] }
    expect(positionAfter(unplaced, 'start')).toBeUndefined()
    expect(positionAfter(demoJourney, 'missing')).toBeUndefined()
  })
})
