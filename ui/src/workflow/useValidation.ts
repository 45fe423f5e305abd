import { useEffect, useState } from 'react'
import { sendJson } from '../api/client'
import type { JourneyDocument, Problem, ValidationResult } from '../api/types'

export const VALIDATION_DELAY_MS = 400

export interface Validation {
  problems: Problem[]
  checking: boolean
  error: unknown
  /** Shows problems the server returned elsewhere (a rejected save) until the next check. */
  setProblems: (problems: Problem[]) => void
}

/** Validates `document` on the server once edits pause for VALIDATION_DELAY_MS, and drops responses about older documents. */
export function useValidation(document: JourneyDocument): Validation {
  const [problems, setProblems] = useState<Problem[]>([])
  const [checking, setChecking] = useState(true)
  const [error, setError] = useState<unknown>()

  useEffect(() => {
    let current = true
    setChecking(true)
    const timer = window.setTimeout(() => {
      sendJson<ValidationResult>('POST', '/api/journeys/validate', document).then(
        (result) => {
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
