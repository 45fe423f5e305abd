import { describe, expect, it } from 'vitest'
import type { JourneyDocument, JourneyNode } from '../api/types'
import { disconnect, insertAfter, insertOnEdge } from './edit'
import { demoJourney } from './fixtures/documents'
import { LAYER_HEIGHT } from './layout'
import { placeInserted, positionAfter } from './placement'

// The size React Flow measures for a card in the browser, give or take a line of text.
const CARD = { width: 220, height: 90 }

function overlapping(document: JourneyDocument): string[] {
  const placed = document.nodes.filter((node) => node.position)
  const pairs: string[] = []
  for (const [index, first] of placed.entries()) {
    for (const second of placed.slice(index + 1)) {
      const a = first.position!
      const b = second.position!
      if (Math.abs(a.x - b.x) < CARD.width && Math.abs(a.y - b.y) < CARD.height) pairs.push(`${first.id}/${second.id}`)
    }
  }
  return pairs
}

function fresh(id: string): JourneyNode {
  return { id, type: 'time_delay', amount: 1, unit: 'hours', position: { x: 0, y: 0 } } as JourneyNode
}

function positionOf(document: JourneyDocument, id: string) {
  return document.nodes.find((node) => node.id === id)?.position
}

describe('positionAfter', () => {
  it('one layer below, in the column of the next node', () => {
    const check = positionOf(demoJourney, 'wait_retry')!
    const next = positionAfter(demoJourney, 'wait_retry')!
    expect(next.y).toBe(check.y + LAYER_HEIGHT)
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

describe('placeInserted', () => {
  it('the fixture starts without overlaps', () => {
    expect(overlapping(demoJourney)).toEqual([])
  })

  it.each(demoJourney.nodes.map((node) => node.id))('covers no node when inserted after %s', (afterId) => {
    const inserted = placeInserted(insertAfter(demoJourney, afterId, fresh('added')), afterId, 'added')
    expect(overlapping(inserted)).toEqual([])
  })

  it('covers no node when dropped on an edge', () => {
    const edge = { source: 'first_call', handle: 'next', target: 'first_outcome' }
    const inserted = placeInserted(insertOnEdge(demoJourney, edge, fresh('added')), 'first_call', 'added')
    expect(overlapping(inserted)).toEqual([])
  })

  it('moves the nodes below the insertion down one layer', () => {
    const before = positionOf(demoJourney, 'first_outcome')!
    const inserted = placeInserted(insertAfter(demoJourney, 'first_call', fresh('added')), 'first_call', 'added')
    expect(positionOf(inserted, 'first_outcome')).toEqual({ x: before.x, y: before.y + LAYER_HEIGHT })
    expect(positionOf(inserted, 'added')).toEqual({ x: before.x, y: positionOf(demoJourney, 'first_call')!.y + LAYER_HEIGHT })
  })

  it('leaves the nodes above in place', () => {
    const inserted = placeInserted(insertAfter(demoJourney, 'first_call', fresh('added')), 'first_call', 'added')
    expect(positionOf(inserted, 'start')).toEqual(positionOf(demoJourney, 'start'))
    expect(positionOf(inserted, 'first_call')).toEqual(positionOf(demoJourney, 'first_call'))
  })
})
