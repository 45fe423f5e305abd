// Publishing with a look first: which live runs follow the new version, and
// what would make the server reject it.
import { useState } from 'react'
import { ApiError, sendJson, withQuery } from '../api/client'
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
  /** The version the editor loaded or last saved; the API rejects the save when another one has replaced it. */
  baseVersion: number
  onSaved: (journey: Journey) => void
  onProblems: (problems: Problem[]) => void
  /** Replaces the working document with the journey's current version, losing local changes. */
  onReload: () => Promise<void>
  onClose: () => void
}

export function SaveDialog({ journeyId, document, baseVersion, onSaved, onProblems, onReload, onClose }: SaveDialogProps) {
  const impact = useAsync(() => sendJson<SaveImpact>('POST', `/api/journeys/${journeyId}/impact`, document), [journeyId, document])
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<unknown>()

  const blockedReason = reasonNotToSave(impact.data)

  const save = async () => {
    setSaving(true)
    setError(undefined)
    try {
      onSaved(await sendJson<Journey>('PUT', withQuery(`/api/journeys/${journeyId}`, { base_version: baseVersion }), document))
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
      {isVersionConflict(error) && <ReloadOffer onReload={onReload} />}
    </Dialog>
  )
}

function isVersionConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code === 'version_conflict'
}

/** Offers to load the version someone else saved, asking once more because local changes are lost. */
function ReloadOffer({ onReload }: { onReload: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<unknown>()

  const reload = async () => {
    try {
      await onReload()
    } catch (failure) {
      setError(failure)
    }
  }

  if (!confirming) {
    return (
      <p>
        <button type="button" onClick={() => setConfirming(true)}>
          Reload the journey
        </button>
      </p>
    )
  }
  return (
    <div className="reload-confirm" role="group" aria-label="Confirm reload">
      <p>Reloading replaces your unsaved changes with the saved version. Your changes are lost.</p>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep my changes
      </button>{' '}
      <button type="button" className="danger" onClick={() => void reload()}>
        Discard my changes and reload
      </button>
      <ErrorNotice error={error} />
    </div>
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
