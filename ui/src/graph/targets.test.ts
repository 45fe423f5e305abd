import { describe, expect, it } from 'vitest'
import { branchJourney } from './fixtures/documents'
import { caseIndex, connectionsOf, mainHandle, targetsOf, withTarget } from './targets'

describe('targets', () => {
  const route = branchJourney().nodes[1]

  it('lists branch handles in order', () => {
    expect(connectionsOf(route)).toEqual([
      { handle: 'case-0', target: 'text' },
      { handle: 'case-1', target: 'done' },
      { handle: 'case-2', target: undefined },
      { handle: 'default', target: 'done' },
    ])
    expect(targetsOf(route)).toEqual(['text', 'done', 'done'])
  })

  it('End has no handle', () => {
    expect(connectionsOf({ id: 'e', type: 'end' })).toEqual([])
    expect(mainHandle({ id: 'e', type: 'end' })).toBeUndefined()
  })

  it('parses case handles', () => {
    expect(caseIndex('case-12')).toBe(12)
    expect(caseIndex('default')).toBeUndefined()
    expect(caseIndex('case-')).toBeUndefined()
  })

  it('withTarget copies', () => {
    const changed = withTarget(route, 'case-2', 'text')
    expect(changed.cases?.[2].next).toBe('text')
    expect(route.cases?.[2].next).toBeUndefined()
  })
})
