import { describe, expect, it } from 'vitest'
import type { JourneyDocument } from '../api/types'
import { ancestors } from './ancestors'

const document: JourneyDocument = {
  name: 'Loop',
  fields: [],
  nodes: [
    { id: 'start', type: 'start', next: 'call' },
    { id: 'call', type: 'call', next: 'check' },
    {
      id: 'check',
      type: 'branch',
      cases: [{ label: 'Again', when: { subject: 'nodes.call.outcome', op: 'equals', value: 'busy' }, next: 'wait' }],
      default: 'done',
    },
    { id: 'wait', type: 'time_delay', amount: 1, unit: 'hours', next: 'call' },
    { id: 'done', type: 'end' },
    { id: 'orphan', type: 'sms', next: 'done' },
  ],
}

function ids(nodeId: string): string[] {
  return ancestors(document, nodeId).map((node) => node.id)
}

describe('ancestors', () => {
  it('start has none', () => {
    expect(ids('start')).toEqual([])
  })

  it('includes the node itself on a loop', () => {
    expect(ids('call')).toEqual(['start', 'call', 'check', 'wait'])
  })

  it('lists every path into an end', () => {
    expect(ids('done')).toEqual(['start', 'call', 'check', 'wait', 'orphan'])
  })

  it('unknown node has none', () => {
    expect(ids('missing')).toEqual([])
  })
})
