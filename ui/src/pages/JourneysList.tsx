import { useState, type FormEvent } from 'react'
import { getJson, sendJson } from '../api/client'
import type { Journey, JourneyDocument, JourneySummary } from '../api/types'
import { ConfirmDialog, Dialog } from '../components/Dialog'
import { ErrorNotice, fieldError } from '../components/ErrorNotice'
import { Field } from '../components/Field'
import { useAsync } from '../components/useAsync'
import { formatTime } from '../format'
import { journeyPath, navigate } from '../router'
import { useCan } from '../session'

/** A new journey: Start leads straight to an End, ready for the canvas. */
export function newJourneyDocument(name: string): JourneyDocument {
  return {
    name,
    fields: [],
    nodes: [
      { id: 'start', type: 'start', next: 'end', position: { x: 0, y: 0 } },
      { id: 'end', type: 'end', result: 'done', position: { x: 0, y: 160 } },
    ],
  }
}

type Editing = { mode: 'create' } | { mode: 'rename' | 'duplicate'; journey: JourneySummary }

export function JourneysList() {
  const journeys = useAsync(() => getJson<JourneySummary[]>('/api/journeys'), [])
  const canEdit = useCan('operator')
  const [editing, setEditing] = useState<Editing>()
  const [deleting, setDeleting] = useState<JourneySummary>()
  const [deleteError, setDeleteError] = useState<unknown>()

  async function remove(journey: JourneySummary) {
    try {
      await sendJson('DELETE', `/api/journeys/${journey.id}`)
      setDeleting(undefined)
      journeys.reload()
    } catch (reason) {
      setDeleteError(reason)
    }
  }

  return (
    <main className="page">
      <header className="page-header">
        <h1>Journeys</h1>
        {canEdit && (
          <button type="button" className="primary" onClick={() => setEditing({ mode: 'create' })}>
            New journey
          </button>
        )}
      </header>
      <ErrorNotice error={journeys.error} />
      {journeys.data && journeys.data.length === 0 && <p>No journeys yet. Create one to design its flow on the canvas.</p>}
      {journeys.data && journeys.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Version</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {journeys.data.map((journey) => (
              <tr key={journey.id}>
                <td>
                  <a
                    href={journeyPath(journey.id)}
                    onClick={(event) => {
                      event.preventDefault()
                      navigate(journeyPath(journey.id))
                    }}
                  >
                    {journey.name}
                  </a>
                </td>
                <td>{journey.current_version}</td>
                <td>{formatTime(journey.updated_at)}</td>
                <td className="row-actions">
                  {canEdit && (
                    <>
                      <button type="button" onClick={() => setEditing({ mode: 'rename', journey })} aria-label={`Rename ${journey.name}`}>
                        Rename
                      </button>
                      <button type="button" onClick={() => setEditing({ mode: 'duplicate', journey })} aria-label={`Duplicate ${journey.name}`}>
                        Duplicate
                      </button>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => {
                          setDeleteError(undefined)
                          setDeleting(journey)
                        }}
                        aria-label={`Delete ${journey.name}`}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <NameDialog
          editing={editing}
          onClose={() => setEditing(undefined)}
          onDone={(journey) => {
            setEditing(undefined)
            if (editing.mode === 'rename') journeys.reload()
            else navigate(journeyPath(journey.id))
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          message="The journey and all its versions are deleted. A journey with runs cannot be deleted here."
          confirmLabel="Delete journey"
          danger
          error={deleteError}
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(undefined)}
        />
      )}
    </main>
  )
}

const TITLES = { create: 'New journey', rename: 'Rename journey', duplicate: 'Duplicate journey' }
const ACTIONS = { create: 'Create', rename: 'Rename', duplicate: 'Duplicate' }

function NameDialog({ editing, onClose, onDone }: { editing: Editing; onClose: () => void; onDone: (journey: Journey) => void }) {
  let initial = ''
  if (editing.mode === 'duplicate') initial = `Copy of ${editing.journey.name}`
  if (editing.mode === 'rename') initial = editing.journey.name
  const [name, setName] = useState(initial)
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  async function save(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    try {
      onDone(await saveName(editing, name.trim()))
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog
      title={TITLES[editing.mode]}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="journey-name-form" className="primary" disabled={busy || !name.trim()}>
            {ACTIONS[editing.mode]}
          </button>
        </>
      }
    >
      <form id="journey-name-form" onSubmit={save}>
        <Field label="Journey name" error={fieldError(error, 'name')}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoFocus />}
        </Field>
        {!fieldError(error, 'name') && <ErrorNotice error={error} />}
      </form>
    </Dialog>
  )
}

async function saveName(editing: Editing, name: string): Promise<Journey> {
  if (editing.mode === 'create') return sendJson<Journey>('POST', '/api/journeys', newJourneyDocument(name))

  const current = await getJson<Journey>(`/api/journeys/${editing.journey.id}`)
  const document = { ...current.document, name }
  if (editing.mode === 'rename') return sendJson<Journey>('PUT', `/api/journeys/${editing.journey.id}`, document)
  return sendJson<Journey>('POST', '/api/journeys', document)
}
