import { describe, expect, it } from 'vitest'
import { canRedo, canUndo, createHistory, MAX_STEPS, MERGE_WINDOW_MS, record, redo, undo } from './history'

describe('history', () => {
  it('undoes and redoes', () => {
    let history = createHistory('a')
    history = record(history, 'b', undefined, 0)
    history = record(history, 'c', undefined, 1)
    expect(canRedo(history)).toBe(false)

    history = undo(history)
    expect(history.present).toBe('b')
    history = undo(history)
    expect(history.present).toBe('a')
    expect(canUndo(history)).toBe(false)
    expect(undo(history)).toBe(history)

    history = redo(history)
    expect(history.present).toBe('b')
    history = redo(history)
    expect(history.present).toBe('c')
    expect(redo(history)).toBe(history)
  })

  it('a new edit clears redo', () => {
    let history = record(record(createHistory(1), 2, undefined, 0), 3, undefined, 0)
    history = record(undo(history), 4, undefined, 0)
    expect(history.present).toBe(4)
    expect(canRedo(history)).toBe(false)
    expect(history.past).toEqual([1, 2])
  })

  it('merges quick edits with one key', () => {
    let history = createHistory('')
    history = record(history, 'h', 'label', 0)
    history = record(history, 'hi', 'label', 500)
    history = record(history, 'hi!', 'label', 500 + MERGE_WINDOW_MS)
    expect(history.past).toEqual([''])
    history = record(history, 'hi!?', 'label', 600 + 3 * MERGE_WINDOW_MS)
    expect(history.past).toEqual(['', 'hi!'])
    history = record(history, 'x', 'other', 600 + 3 * MERGE_WINDOW_MS)
    expect(history.past).toEqual(['', 'hi!', 'hi!?'])
  })

  it('undo ends a merge', () => {
    let history = record(createHistory('a'), 'b', 'k', 0)
    history = undo(history)
    history = record(history, 'c', 'k', 10)
    expect(history.past).toEqual(['a'])
    expect(history.present).toBe('c')
  })

  it('same value records nothing', () => {
    const history = createHistory('a')
    expect(record(history, 'a')).toBe(history)
  })

  it('keeps at most MAX_STEPS', () => {
    let history = createHistory(0)
    for (let step = 1; step <= MAX_STEPS + 10; step++) history = record(history, step, undefined, step)
    expect(history.past).toHaveLength(MAX_STEPS)
    expect(history.past[0]).toBe(10)
  })
})
