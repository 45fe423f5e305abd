// Undo and redo keys, kept apart from the editor so the rules can be tested.

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

/** Returns the history command of a key press: Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo (Cmd on macOS). */
export function historyShortcut(press: KeyPress): 'undo' | 'redo' | undefined {
  if (!(press.ctrlKey || press.metaKey) || press.altKey) return undefined
  const key = press.key.toLowerCase()
  if (key === 'z') return press.shiftKey ? 'redo' : 'undo'
  if (key === 'y' && !press.shiftKey) return 'redo'
  return undefined
}

/** Checks whether keys pressed in `element` edit text there, so that the editor's shortcuts leave them alone. */
export function isTextEntry(element: { tagName?: string; isContentEditable?: boolean } | null): boolean {
  if (!element) return false
  if (element.isContentEditable) return true
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes((element.tagName ?? '').toUpperCase())
}
