import { describe, expect, it } from 'vitest'
import type { JourneyDocument, JourneyNode } from '../api/types'
import { canConnect, connect, deleteNode, disconnect, edgeAfter, insertAfter, insertOnEdge, moveNode, replaceNode } from './edit'
import { branchJourney, demoJourney, loopJourney } from './fixtures/documents'

function node(document: JourneyDocument, id: string): JourneyNode {
  const found = document.nodes.find((candidate) => candidate.id === id)
  if (!found) throw new Error(`no node ${id}`)
  return found
}

const sms: JourneyNode = { id: 'sms_1', type: 'sms', from_number: '+12025550100', message: '' }

describe('connect', () => {
  it('replaces the handle’s old edge', () => {
    const changed = connect(demoJourney, 'first_outcome', 'case-0', 'unreachable')
    expect(node(changed, 'first_outcome').cases?.[0].next).toBe('unreachable')
    expect(node(changed, 'first_outcome').cases?.[1].next).toBe('voicemail_text')
    expect(node(demoJourney, 'first_outcome').cases?.[0].next).toBe('paid')
  })

  it('sets next and default', () => {
    const changed = connect(connect(demoJourney, 'first_call', 'next', 'paid'), 'second_outcome', 'default', 'paid')
    expect(node(changed, 'first_call').next).toBe('paid')
    expect(node(changed, 'second_outcome').default).toBe('paid')
  })

  it('disconnect removes the key', () => {
    const changed = disconnect(disconnect(branchJourney(), 'route', 'case-1'), 'route', 'default')
    const route = node(changed, 'route')
    expect('next' in (route.cases?.[1] ?? {})).toBe(false)
    expect('default' in route).toBe(false)
    expect(route.cases?.[0].next).toBe('text')
  })

  it('rejects edges into Start, out of End and to itself', () => {
    expect(canConnect(demoJourney, 'first_call', 'start')).toBe(false)
    expect(canConnect(demoJourney, 'paid', 'first_call')).toBe(false)
    expect(canConnect(demoJourney, 'first_call', 'first_call')).toBe(false)
    expect(canConnect(demoJourney, 'first_call', 'paid')).toBe(true)
    expect(canConnect(demoJourney, 'first_call', 'missing')).toBe(false)
  })
})

describe('insertOnEdge', () => {
  it('puts the node between source and target', () => {
    const changed = insertOnEdge(demoJourney, { source: 'wait_retry', handle: 'next', target: 'second_call' }, sms)
    expect(node(changed, 'wait_retry').next).toBe('sms_1')
    expect(node(changed, 'sms_1').next).toBe('second_call')
    expect(changed.nodes).toHaveLength(demoJourney.nodes.length + 1)
  })

  it('inserts into a branch case', () => {
    const changed = insertOnEdge(demoJourney, { source: 'first_outcome', handle: 'case-1', target: 'voicemail_text' }, sms)
    expect(node(changed, 'first_outcome').cases?.[1].next).toBe('sms_1')
    expect(node(changed, 'sms_1').next).toBe('voicemail_text')
  })

  it('a branch continues by its default', () => {
    const branch: JourneyNode = { id: 'branch_1', type: 'branch', cases: [{ label: 'A', when: { subject: 'plan', op: 'is_empty' } }] }
    const changed = insertOnEdge(demoJourney, { source: 'first_call', handle: 'next', target: 'first_outcome' }, branch)
    expect(node(changed, 'branch_1').default).toBe('first_outcome')
    expect(node(changed, 'branch_1').cases?.[0].next).toBeUndefined()
  })

  it('an End cuts the edge', () => {
    const end: JourneyNode = { id: 'end_1', type: 'end', result: 'done' }
    const changed = insertOnEdge(demoJourney, { source: 'first_call', handle: 'next', target: 'first_outcome' }, end)
    expect(node(changed, 'first_call').next).toBe('end_1')
    expect('next' in node(changed, 'end_1')).toBe(false)
  })

  it('inserts into a loop', () => {
    const changed = insertOnEdge(loopJourney(), { source: 'wait', handle: 'next', target: 'call_1' }, sms)
    expect(node(changed, 'wait').next).toBe('sms_1')
    expect(node(changed, 'sms_1').next).toBe('call_1')
  })
})

describe('insertAfter', () => {
  it('uses the main outgoing edge', () => {
    const changed = insertAfter(demoJourney, 'first_outcome', sms)
    expect(node(changed, 'first_outcome').default).toBe('sms_1')
    expect(node(changed, 'sms_1').next).toBe('wait_retry')
  })

  it('connects a free handle', () => {
    const document = disconnect(demoJourney, 'first_call', 'next')
    const changed = insertAfter(document, 'first_call', sms)
    expect(node(changed, 'first_call').next).toBe('sms_1')
    expect('next' in node(changed, 'sms_1')).toBe(false)
  })

  it('adds unconnected after an End', () => {
    const changed = insertAfter(demoJourney, 'paid', sms)
    expect(changed.nodes).toHaveLength(demoJourney.nodes.length + 1)
    expect(changed.nodes.filter((candidate) => candidate.next === 'sms_1')).toEqual([])
  })
})

describe('deleteNode', () => {
  it('reconnects around a node with one target', () => {
    const changed = deleteNode(demoJourney, 'voicemail_text', { reconnect: true })
    expect(changed.nodes.map((candidate) => candidate.id)).not.toContain('voicemail_text')
    expect(node(changed, 'first_outcome').cases?.[1].next).toBe('wait_retry')
  })

  it('leaves the gap without reconnect', () => {
    const changed = deleteNode(demoJourney, 'wait_retry', { reconnect: false })
    expect('next' in node(changed, 'voicemail_text')).toBe(false)
    expect('default' in node(changed, 'first_outcome')).toBe(false)
  })

  it('leaves the gap after a branch with several targets', () => {
    const changed = deleteNode(demoJourney, 'first_outcome', { reconnect: true })
    expect('next' in node(changed, 'first_call')).toBe(false)
  })

  it('clears references to the node everywhere', () => {
    const changed = deleteNode(demoJourney, 'paid', { reconnect: true })
    expect(node(changed, 'first_outcome').cases?.[0].next).toBeUndefined()
    expect(node(changed, 'second_outcome').cases?.[0].next).toBeUndefined()
  })

  it('never makes a node lead to itself', () => {
    const changed = deleteNode(loopJourney(), 'wait', { reconnect: true })
    expect(node(changed, 'check').cases?.[0].next).toBe('call_1')
    const twoLoop: JourneyDocument = {
      name: 'Two',
      fields: [],
      nodes: [
        { id: 'start', type: 'start', next: 'a' },
        { id: 'a', type: 'time_delay', amount: 1, unit: 'hours', next: 'b' },
        { id: 'b', type: 'time_delay', amount: 1, unit: 'hours', next: 'a' },
      ],
    }
    const without = deleteNode(twoLoop, 'b', { reconnect: true })
    expect('next' in node(without, 'a')).toBe(false)
  })

  it('never deletes Start', () => {
    expect(deleteNode(demoJourney, 'start', { reconnect: true })).toBe(demoJourney)
  })
})

describe('moveNode and replaceNode', () => {
  it('moves one node', () => {
    const changed = moveNode(demoJourney, 'paid', { x: 5, y: 6 })
    expect(node(changed, 'paid').position).toEqual({ x: 5, y: 6 })
    expect(node(changed, 'unreachable').position).toEqual({ x: 0, y: 840 })
  })

  it('renaming follows connections', () => {
    const changed = replaceNode(demoJourney, 'paid', { ...node(demoJourney, 'paid'), id: 'contacted', label: 'Reached' })
    expect(node(changed, 'contacted').label).toBe('Reached')
    expect(node(changed, 'first_outcome').cases?.[0].next).toBe('contacted')
    expect(node(changed, 'second_outcome').cases?.[0].next).toBe('contacted')
  })
})

describe('edgeAfter', () => {
  it('prefers the main handle', () => {
    expect(edgeAfter(demoJourney, 'first_outcome')).toEqual({ source: 'first_outcome', handle: 'default', target: 'wait_retry' })
    expect(edgeAfter(demoJourney, 'first_call')).toEqual({ source: 'first_call', handle: 'next', target: 'first_outcome' })
  })

  it('falls back to a connected case', () => {
    const document = disconnect(demoJourney, 'first_outcome', 'default')
    expect(edgeAfter(document, 'first_outcome')).toEqual({ source: 'first_outcome', handle: 'case-0', target: 'paid' })
  })

  it('none for End or a missing node', () => {
    expect(edgeAfter(demoJourney, 'paid')).toBeUndefined()
    expect(edgeAfter(demoJourney, 'missing')).toBeUndefined()
  })
})
