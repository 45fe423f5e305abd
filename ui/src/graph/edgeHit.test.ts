import { describe, expect, it } from 'vitest'
import { distanceToSegment, edgeNearPoint } from './edgeHit'

describe('edgeNearPoint', () => {
  const edges = [
    { id: 'vertical', from: { x: 0, y: 0 }, to: { x: 0, y: 100 } },
    { id: 'diagonal', from: { x: 0, y: 0 }, to: { x: 100, y: 100 } },
  ]

  it('measures to the segment, not the line', () => {
    expect(distanceToSegment({ x: 5, y: 50 }, { x: 0, y: 0 }, { x: 0, y: 100 })).toBe(5)
    expect(distanceToSegment({ x: 0, y: 130 }, { x: 0, y: 0 }, { x: 0, y: 100 })).toBe(30)
    expect(distanceToSegment({ x: 3, y: 4 }, { x: 0, y: 0 }, { x: 0, y: 0 })).toBe(5)
  })

  it('picks the nearest edge', () => {
    expect(edgeNearPoint({ x: 4, y: 60 }, edges, 20)).toBe('vertical')
    expect(edgeNearPoint({ x: 55, y: 60 }, edges, 20)).toBe('diagonal')
  })

  it('nothing beyond the tolerance', () => {
    expect(edgeNearPoint({ x: 60, y: 10 }, edges, 20)).toBeUndefined()
    expect(edgeNearPoint({ x: 0, y: 0 }, [], 20)).toBeUndefined()
  })
})
