import { describe, expect, it } from 'vitest'
import { historyShortcut, isTextEntry } from './shortcuts'

function press(key: string, modifiers: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) {
  return { key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...modifiers }
}

describe('historyShortcut', () => {
  it.each([
    [press('z', { ctrlKey: true }), 'undo'],
    [press('Z', { ctrlKey: true, shiftKey: true }), 'redo'],
    [press('y', { ctrlKey: true }), 'redo'],
    [press('z', { metaKey: true }), 'undo'],
    [press('z'), undefined],
    [press('z', { ctrlKey: true, altKey: true }), undefined],
    [press('y', { ctrlKey: true, shiftKey: true }), undefined],
    [press('a', { ctrlKey: true }), undefined],
  ])('%o', (event, expected) => {
    expect(historyShortcut(event)).toBe(expected)
  })
})

describe('isTextEntry', () => {
  it('inputs and editable text', () => {
    expect(isTextEntry({ tagName: 'INPUT' })).toBe(true)
    expect(isTextEntry({ tagName: 'textarea' })).toBe(true)
    expect(isTextEntry({ tagName: 'SELECT' })).toBe(true)
    expect(isTextEntry({ tagName: 'DIV', isContentEditable: true })).toBe(true)
  })

  it('other elements', () => {
    expect(isTextEntry({ tagName: 'BUTTON' })).toBe(false)
    expect(isTextEntry({ tagName: 'DIV', isContentEditable: false })).toBe(false)
    expect(isTextEntry(null)).toBe(false)
  })
})
