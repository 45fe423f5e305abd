import { describe, expect, it } from 'vitest'
import type { Problem } from '../api/types'
import { fieldProblems, messagesAt, messagesExactlyAt, settingPath, unplacedProblems } from './problems'

function problem(path: string | null, message = path ?? 'node'): Problem {
  return { node_id: 'n', path, message }
}

describe('settingPath', () => {
  it('strips the node part', () => {
    expect(settingPath(problem('nodes[3].cases[0].when.op'))).toBe('cases[0].when.op')
    expect(settingPath(problem('nodes[3]'))).toBe('')
    expect(settingPath(problem(null))).toBe('')
  })
})

describe('placing problems', () => {
  const problems = [
    problem('nodes[1].message'),
    problem('nodes[1].cases[0].when.all[1]'),
    problem('nodes[1].cases[0].when.all[1].op'),
    problem('nodes[1].cases[10].label'),
    problem('nodes[1].next'),
    problem('nodes[1]'),
  ]

  it('finds problems inside a setting', () => {
    expect(messagesAt(problems, 'message')).toEqual(['nodes[1].message'])
    expect(messagesAt(problems, 'cases[0]')).toEqual(['nodes[1].cases[0].when.all[1]', 'nodes[1].cases[0].when.all[1].op'])
  })

  it('does not confuse case 1 with case 10', () => {
    expect(messagesAt(problems, 'cases[1]')).toEqual([])
  })

  it('finds problems exactly at a condition', () => {
    expect(messagesExactlyAt(problems, 'cases[0].when.all[1]', ['op'])).toHaveLength(2)
    expect(messagesExactlyAt(problems, 'cases[0].when')).toEqual([])
  })

  it('leaves unclaimed problems for the top', () => {
    expect(unplacedProblems(problems, ['message', 'cases']).map((found) => found.message)).toEqual(['nodes[1].next', 'nodes[1]'])
  })
})

describe('fieldProblems', () => {
  it('keys problems of one field by setting', () => {
    const problems = [problem('fields[1].name', 'bad name'), problem('fields[1].default', 'bad default'), problem('fields[10].name')]
    expect(fieldProblems(problems, 1)).toEqual([
      { setting: 'name', message: 'bad name' },
      { setting: 'default', message: 'bad default' },
    ])
  })
})
