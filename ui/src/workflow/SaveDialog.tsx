// Publishing with a look first: which live runs follow the new version, and
// what would make the server reject it.
import { useState } from 'react'
import { ApiError, sendJson } from '../api/client'
import type { Journey, JourneyDocument, Problem } from '../api/types'
import { Dialog } from '../components/Dialog'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync } from '../components/useAsync'
import { plural, reasonNotToSave } from './saveBlocked'

export interface SaveImpact {
  runs: { id: number; name: string; status: string }[]
  blocked: { node_id: string; run_id: number; run_name: string; recipients: number }[]
  problems: Problem[]
}

interface SaveDialogProps {
  journeyId: number
  document: JourneyDocument
  onSaved: (journey: Journey) => void
  onProblems: (problems: Problem[]) => void
  onClose: () => void
}

export function SaveDialog({ journeyId, document, onSaved, onProblems, onClose }: SaveDialogProps) {
  const impact = useAsync(() => sendJson<SaveImpact>('POST', `/api/journeys/${journeyId}/impact`, document), [journeyId, document])
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<unknown>()

  const blockedReason = reasonNotToSave(impact.data)

  const save = async () => {
    setSaving(true)
    setError(undefined)
    try {
      onSaved(await sendJson<Journey>('PUT', `/api/journeys/${journeyId}`, document))
    } catch (failure) {
      setError(failure)
      if (failure instanceof ApiError && failure.code === 'journey_invalid') {
        onProblems(failure.errors.map((item) => ({ node_id: item.nodeId ?? null, path: item.path || null, message: item.message })))
      }
    } finally {
      setSaving(false)
    }
  }

  return (
    <Dialog
      title="Publish this version?"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Keep editing
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void save()}
            disabled={saving || impact.loading || !impact.data || Boolean(blockedReason)}
            aria-describedby={blockedReason ? 'save-blocked' : undefined}
          >
            {saving ? 'Saving…' : 'Save and publish'}
          </button>
        </>
      }
    >
      {impact.loading && !impact.data && <p>Checking what this version affects…</p>}
      <ErrorNotice error={impact.error} />
      {impact.data && <ImpactDetails impact={impact.data} />}
      {blockedReason && (
        <p id="save-blocked" className="error" role="alert">
          {blockedReason}
        </p>
      )}
      <ErrorNotice error={error} />
    </Dialog>
  )
}

function ImpactDetails({ impact }: { impact: SaveImpact }) {
  return (
    <div className="impact">
      {impact.runs.length === 0 ? (
        <p>No run is scheduled, running or paused, so no recipient is affected now. New runs use this version.</p>
      ) : (
        <>
          <p>{plural(impact.runs.length, 'live run')} will follow the new version at once:</p>
          <ul className="impact-runs">
            {impact.runs.map((run) => (
              <li key={run.id}>
                {run.name} <span className="badge">{run.status}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {impact.blocked.length > 0 && (
        <>
          <p>These removed nodes still have recipients on them:</p>
          <ul className="impact-blocked">
            {impact.blocked.map((row) => (
              <li key={`${row.run_id}-${row.node_id}`}>
                <code>{row.node_id}</code>: {plural(row.recipients, 'recipient')} of run {row.run_name}
              </li>
            ))}
          </ul>
        </>
      )}
      {impact.problems.length > 0 && (
        <ul className="impact-problems">
          {impact.problems.map((problem, index) => (
            <li key={index}>
              {problem.node_id ? <code>{problem.node_id}</code> : null} {problem.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
