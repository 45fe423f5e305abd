import { ApiError } from '../api/client'
import { isNetworkError, useUnreachable } from '../api/connection'

/** Show an error's sentence in place, as the API wrote it. A failed connection is left to ConnectionBanner. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error || isNetworkError(error)) return null
  const message = error instanceof Error ? error.message : String(error)
  return (
    <p className="error" role="alert">
      {message}
    </p>
  )
}

/** The message for one form field, if the error names it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.forField(field) : undefined
}

/** The one notice, for the whole page, that the server cannot be reached. */
export function ConnectionBanner() {
  const unreachable = useUnreachable()
  if (!unreachable) return null
  return (
    <p className="error connection-banner" role="alert">
      The server cannot be reached. Check that it is running. This notice goes away once a request gets through.
    </p>
  )
}
