import { describe, expect, it } from 'vitest'
import type { JourneyDocument } from '../api/types'
import { branchJourney, demoJourney, loopJourney } from './fixtures/documents'
import { applyLayout, COLUMN_WIDTH, LAYER_HEIGHT, layoutPositions } from './layout'

function layers(document: JourneyDocument): Record<string, number> {
  const positions = layoutPositions(document)
  return Object.fromEntries([...positions].map(([id, position]) => [id, position.y / LAYER_HEIGHT]))
}

describe('layoutPositions', () => {
  it('layers the demo by longest path', () => {
    expect(layers(demoJourney)).toEqual({
      start: 0,
      first_call: 1,
      first_outcome: 2,
      voicemail_text: 3,
      wait_retry: 4,
      second_call: 5,
      second_outcome: 6,
      paid: 7,
      unreachable: 7,
    })
  })

  it('centres each layer', () => {
    const positions = layoutPositions(demoJourney)
    expect(positions.get('start')?.x).toBe(0)
    expect([positions.get('paid')?.x, positions.get('unreachable')?.x].sort()).toEqual([-COLUMN_WIDTH / 2, COLUMN_WIDTH / 2].sort())
  })

  it('ignores the edge that closes a loop', () => {
    expect(layers(loopJourney())).toEqual({ start: 0, call_1: 1, check: 2, wait: 3, done: 3 })
  })

  it('longest path puts an end below a longer route', () => {
    expect(layers(branchJourney())).toEqual({ start: 0, route: 1, text: 2, done: 3 })
  })

  it('places unreachable nodes too', () => {
    const document: JourneyDocument = {
      ...loopJourney(),
      nodes: [...loopJourney().nodes, { id: 'orphan', type: 'sms', next: 'done' }],
    }
    const result = layers(document)
    expect(result.orphan).toBe(0)
    expect(result.done).toBe(3)
  })

  it('is stable', () => {
    expect([...layoutPositions(demoJourney)]).toEqual([...layoutPositions(structuredClone(demoJourney))])
  })

  it('applyLayout keeps settings', () => {
    const laidOut = applyLayout(demoJourney)
    expect(laidOut.nodes.map(({ position: _, ...node }) => node)).toEqual(demoJourney.nodes.map(({ position: _, ...node }) => node))
    expect(laidOut.nodes[1].position).toEqual({ x: 0, y: LAYER_HEIGHT })
  })
})
