import { useEffect, useRef, useState } from 'react'
import { sendJson } from '../api/client'
import type { JourneyDocument, Problem, ValidationResult } from '../api/types'

export const VALIDATION_DELAY_MS = 400
// Results of recent documents, so that undo and redo show their problems at once.
const REMEMBERED_RESULTS = 100

export interface Validation {
  problems: Problem[]
  checking: boolean
  error: unknown
  /** Shows problems the server returned elsewhere (a rejected save) until the next check. */
  setProblems: (problems: Problem[]) => void
}

/**
 * Validates `document` on the server once edits pause for VALIDATION_DELAY_MS, and drops
 * responses about older documents. A document checked before (one that undo or redo
 * brings back) shows its earlier problems at once, while the server checks it again.
 */
export function useValidation(document: JourneyDocument): Validation {
  const [problems, setProblems] = useState<Problem[]>([])
  const [checking, setChecking] = useState(true)
  const [error, setError] = useState<unknown>()
  const results = useRef(new Map<string, Problem[]>())

  useEffect(() => {
    let current = true
    const key = JSON.stringify(document)
    const known = results.current.get(key)
    if (known) {
      setProblems(known)
      setError(undefined)
    }
    setChecking(true)
    const timer = window.setTimeout(() => {
      sendJson<ValidationResult>('POST', '/api/journeys/validate', document).then(
        (result) => {
          remember(results.current, key, result.problems)
          if (!current) return
          setProblems(result.problems)
          setError(undefined)
          setChecking(false)
        },
        (failure: unknown) => {
          if (!current) return
          setError(failure)
          setChecking(false)
        },
      )
    }, VALIDATION_DELAY_MS)
    return () => {
      current = false
      window.clearTimeout(timer)
    }
  }, [document])

  return { problems, checking, error, setProblems }
}

function remember(results: Map<string, Problem[]>, key: string, problems: Problem[]): void {
  results.delete(key)
  results.set(key, problems)
  // A Map iterates in insertion order, so the first key is the one used longest ago.
  if (results.size > REMEMBERED_RESULTS) results.delete(results.keys().next().value as string)
}
