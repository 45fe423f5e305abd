import { describe, expect, it } from 'vitest'
import type { JourneyDocument } from '../api/types'
import { findSubject, listSubjects } from './subjects'

const document: JourneyDocument = {
  name: 'Reminder',
  fields: [
    { name: 'customer_name', type: 'string', required: true },
    { name: 'tier', type: 'enum', choices: ['gold', 'silver'] },
    { name: 'due_date', type: 'date' },
  ],
  nodes: [
    { id: 'start', type: 'start', next: 'call_1' },
    { id: 'call_1', type: 'call', next: 'outcome' },
    {
      id: 'outcome',
      type: 'branch',
      cases: [{ label: 'Answered', when: { subject: 'nodes.call_1.outcome', op: 'equals', value: 'answered' }, next: 'text' }],
      default: 'done',
    },
    { id: 'text', type: 'sms', next: 'after' },
    { id: 'after', type: 'branch', cases: [], default: 'done' },
    { id: 'done', type: 'end' },
    { id: 'later', type: 'sms', next: 'done' },
  ],
}

function names(nodeId: string): string[] {
  return listSubjects(document, nodeId).map((subject) => subject.name)
}

describe('listSubjects', () => {
  it('lists built-in and journey fields first', () => {
    expect(names('outcome').slice(0, 5)).toEqual(['data.phone_number', 'data.timezone', 'data.customer_name', 'data.tier', 'data.due_date'])
  })

  it('lists outputs of earlier nodes only', () => {
    const listed = names('outcome')
    expect(listed).toContain('nodes.call_1.outcome')
    expect(listed).toContain('nodes.call_1.data')
    expect(listed).not.toContain('nodes.text.status')
    expect(listed).not.toContain('nodes.later.status')
    expect(listed).not.toContain('nodes.outcome.taken')
  })

  it('lists outputs of every node on the way', () => {
    const listed = names('after')
    expect(listed).toContain('nodes.call_1.answered_by')
    expect(listed).toContain('nodes.text.segments')
    expect(listed).toContain('nodes.outcome.taken')
  })

  it('lists the recipient attributes last', () => {
    expect(names('outcome').slice(-5)).toEqual([
      'recipient.calls_placed',
      'recipient.calls_answered',
      'recipient.sms_sent',
      'recipient.last_call_outcome',
      'recipient.timezone',
    ])
  })

  it('gives each subject a type and known values', () => {
    const subjects = listSubjects(document, 'after')
    expect(findSubject(subjects, 'nodes.call_1.outcome')?.choices).toEqual(['answered', 'voicemail', 'no_answer', 'busy', 'failed', 'cancelled'])
    expect(findSubject(subjects, 'nodes.text.status')?.choices).toEqual(['sent', 'delivered', 'undelivered', 'failed'])
    expect(findSubject(subjects, 'nodes.text.segments')?.type).toBe('integer')
    expect(findSubject(subjects, 'data.tier')?.choices).toEqual(['gold', 'silver'])
    expect(findSubject(subjects, 'data.due_date')?.type).toBe('date')
    expect(findSubject(subjects, 'recipient.last_call_outcome')?.type).toBe('enum')
  })

  it("offers a branch's case labels and default as taken values", () => {
    const subjects = listSubjects(document, 'after')
    expect(findSubject(subjects, 'nodes.outcome.taken')?.choices).toEqual(['Answered', 'default'])
  })

  it('lists nothing from nodes before the start', () => {
    expect(names('start').filter((name) => name.startsWith('nodes.'))).toEqual([])
  })
})

describe('findSubject', () => {
  const subjects = listSubjects(document, 'after')

  it('reads agent data keys as the data output', () => {
    expect(findSubject(subjects, 'nodes.call_1.data.promise_date')?.name).toBe('nodes.call_1.data')
  })

  it('reads a bare field name as its data form', () => {
    expect(findSubject(subjects, 'tier')?.name).toBe('data.tier')
  })

  it('finds nothing for unknown names', () => {
    expect(findSubject(subjects, 'nodes.ghost.outcome')).toBeUndefined()
    expect(findSubject(subjects, 'data.ghost')).toBeUndefined()
  })
})
