import { useEffect } from 'react'
import { historyShortcut, isTextEntry } from '../graph/shortcuts'

/** Undoes and redoes on Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y, except while text is typed or a dialog is open. */
export function useHistoryKeys(enabled: boolean, undo: () => void, redo: () => void): void {
  useEffect(() => {
    if (!enabled) return
    const onKey = (event: KeyboardEvent) => {
      if (isTextEntry(event.target as HTMLElement | null)) return
      if (document.querySelector('dialog[open]')) return
      const command = historyShortcut(event)
      if (!command) return
      event.preventDefault()
      if (command === 'undo') undo()
      else redo()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [enabled, undo, redo])
}
