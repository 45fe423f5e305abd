import { useEffect } from 'react'

export const LEAVE_QUESTION = 'This journey has unsaved changes. Leave without saving them?'

/**
 * Asks before the page is left while `dirty`: on reload or close (beforeunload),
 * and on a click of a link elsewhere in the app, which changes the page without
 * unloading it.
 */
export function useLeaveWarning(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return

    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault()
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = ''
    }
    // Capture runs before React's handlers on the app root, so a cancelled click never navigates.
    const linkClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.('a[href]')
      if (!link || event.defaultPrevented) return
      if (!window.confirm(LEAVE_QUESTION)) {
        event.preventDefault()
        event.stopPropagation()
      }
    }

    window.addEventListener('beforeunload', beforeUnload)
    document.addEventListener('click', linkClick, true)
    return () => {
      window.removeEventListener('beforeunload', beforeUnload)
      document.removeEventListener('click', linkClick, true)
    }
  }, [dirty])
}
