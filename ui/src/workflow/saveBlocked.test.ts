import { describe, expect, it } from 'vitest'
import type { Problem } from '../api/types'
import { reasonNotToSave } from './saveBlocked'

const problem = { path: 'nodes[0]', message: 'missing' } as Problem

describe('reasonNotToSave', () => {
  it('speaks of one problem in the singular', () => {
    expect(reasonNotToSave({ blocked: [], problems: [problem] })).toBe('Saving is blocked: the journey has 1 problem. Fix it first.')
  })

  it('speaks of two problems in the plural', () => {
    expect(reasonNotToSave({ blocked: [], problems: [problem, problem] })).toBe('Saving is blocked: the journey has 2 problems. Fix them first.')
  })

  it('allows a save without problems', () => {
    expect(reasonNotToSave({ blocked: [], problems: [] })).toBeUndefined()
  })
})
