import { describe, expect, it } from 'vitest'
import { demoJourney } from './fixtures/documents'
import { isFieldProblem, placeProblems } from './problems'

describe('placeProblems', () => {
  const problems = [
    { node_id: 'first_call', path: 'nodes[1].agent', message: 'unknown agent' },
    { node_id: 'first_call', path: 'nodes[1].from_number', message: 'unknown number' },
    { node_id: null, path: 'nodes[3].message', message: 'too long' },
    { node_id: null, path: 'fields[0].name', message: 'bad name' },
    { node_id: 'gone', path: null, message: 'not in the document' },
    { node_id: null, path: 'nodes[99]', message: 'past the end' },
    { node_id: null, path: null, message: 'name is missing' },
  ]

  it('groups by node', () => {
    const placed = placeProblems(demoJourney, problems)
    expect(placed.byNode.get('first_call')?.map((problem) => problem.message)).toEqual(['unknown agent', 'unknown number'])
    expect(placed.byNode.get('voicemail_text')?.map((problem) => problem.message)).toEqual(['too long'])
    expect(placed.byNode.size).toBe(2)
  })

  it('keeps the rest general', () => {
    const placed = placeProblems(demoJourney, problems)
    expect(placed.general.map((problem) => problem.message)).toEqual(['bad name', 'not in the document', 'past the end', 'name is missing'])
  })

  it('recognises field problems', () => {
    expect(isFieldProblem({ node_id: null, path: 'fields[0].name', message: '' })).toBe(true)
    expect(isFieldProblem({ node_id: null, path: 'name', message: '' })).toBe(false)
    expect(isFieldProblem({ node_id: null, path: null, message: '' })).toBe(false)
  })
})
