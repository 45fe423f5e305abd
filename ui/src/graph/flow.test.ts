import { describe, expect, it } from 'vitest'
import type { JourneyDocument } from '../api/types'
import { branchJourney, demoJourney, loopJourney } from './fixtures/documents'
import { fromFlow, toFlow } from './flow'

function roundTrip(document: JourneyDocument): JourneyDocument {
  const { nodes, edges } = toFlow(document)
  return fromFlow(document, nodes, edges)
}

describe('toFlow and fromFlow', () => {
  it.each([
    ['demo', demoJourney],
    ['loop', loopJourney()],
    ['branch', branchJourney()],
  ])('round trip keeps the %s document', (_, document) => {
    expect(roundTrip(document)).toStrictEqual(document)
  })

  it('draws one edge per connected handle', () => {
    const { edges } = toFlow(branchJourney())
    const drawn = edges.map((edge) => [edge.source, edge.sourceHandle, edge.target, edge.label])
    expect(drawn).toEqual([
      ['start', 'next', 'route', undefined],
      ['route', 'case-0', 'text', 'Basic'],
      ['route', 'case-1', 'done', 'Plus'],
      ['route', 'default', 'done', 'default'],
      ['text', 'next', 'done', undefined],
    ])
  })

  it('demo journey edges', () => {
    const { nodes, edges } = toFlow(demoJourney)
    expect(nodes).toHaveLength(9)
    expect(edges).toHaveLength(10)
    expect(edges.find((edge) => edge.id === 'first_outcome:case-1')?.target).toBe('voicemail_text')
  })

  it('keeps a reference to a missing node', () => {
    const document = loopJourney()
    document.nodes[4] = { ...document.nodes[4] }
    document.nodes[1] = { ...document.nodes[1], next: 'nowhere' }
    const { edges } = toFlow(document)
    expect(edges.some((edge) => edge.target === 'nowhere')).toBe(false)
    expect(roundTrip(document)).toStrictEqual(document)
  })

  it('Start cannot be deleted on the canvas', () => {
    const { nodes } = toFlow(demoJourney)
    expect(nodes.find((node) => node.id === 'start')?.deletable).toBe(false)
    expect(nodes.find((node) => node.id === 'paid')?.deletable).toBe(true)
  })

  it('places nodes without a position', () => {
    const document = loopJourney()
    document.nodes = document.nodes.map(({ position: _, ...node }) => node)
    const { nodes } = toFlow(document)
    expect(nodes.find((node) => node.id === 'call_1')?.position).toEqual({ x: 0, y: 140 })
    const back = fromFlow(document, nodes, toFlow(document).edges)
    expect(back.nodes[2].position).toEqual({ x: 0, y: 280 })
  })

  it('writes moved positions and redrawn edges back', () => {
    const document = demoJourney
    const { nodes, edges } = toFlow(document)
    const moved = nodes.map((node) => (node.id === 'paid' ? { ...node, position: { x: -300, y: 900 } } : node))
    const rewired = edges
      .filter((edge) => edge.id !== 'first_outcome:default')
      .map((edge) => (edge.id === 'first_call:next' ? { ...edge, target: 'second_call' } : edge))

    const back = fromFlow(document, moved, rewired)

    const byId = new Map(back.nodes.map((node) => [node.id, node]))
    expect(byId.get('paid')?.position).toEqual({ x: -300, y: 900 })
    expect(byId.get('first_call')?.next).toBe('second_call')
    expect('default' in (byId.get('first_outcome') ?? {})).toBe(false)
    expect(byId.get('first_outcome')?.cases).toEqual(demoJourney.nodes[2].cases)
    expect(document).toBe(demoJourney)
  })

  it('drops nodes no longer on the canvas', () => {
    const { nodes, edges } = toFlow(loopJourney())
    const back = fromFlow(loopJourney(), nodes.filter((node) => node.id !== 'wait'), edges.filter((edge) => edge.target !== 'wait' && edge.source !== 'wait'))
    expect(back.nodes.map((node) => node.id)).toEqual(['start', 'call_1', 'check', 'done'])
    expect(back.nodes[2].cases?.[0].next).toBeUndefined()
  })
})
