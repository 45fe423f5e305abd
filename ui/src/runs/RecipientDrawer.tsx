import { useEffect, useRef } from 'react'
import { getJson } from '../api/client'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync, usePolling } from '../components/useAsync'
import { formatSeconds, formatTime } from '../format'
import type { Recipient } from './recipientTypes'
import { StatusBadge } from './StatusBadge'

const REFRESH_MS = 3000

// Events a second apart are common, so the timeline shows seconds.
function formatEventTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** Show one recipient's data, state and event timeline in a side panel that Escape closes. */
export function RecipientDrawer({ recipientId, live, onClose }: { recipientId: number; live: boolean; onClose: () => void }) {
  const recipient = useAsync(() => getJson<Recipient>(`/api/recipients/${recipientId}`), [recipientId])
  usePolling(recipient.reload, REFRESH_MS, live)
  const closeRef = useRef<HTMLButtonElement>(null)

  // Focus moves into the panel, and back to the page when it closes.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    closeRef.current?.focus()
    return () => before?.focus()
  }, [recipientId])

  const data = recipient.data
  return (
    <aside
      className="recipient-drawer"
      aria-label={`Recipient ${data?.phone_number ?? recipientId}`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose()
      }}
    >
      <header>
        <h3>{data?.phone_number ?? 'Recipient'}</h3>
        <button type="button" ref={closeRef} onClick={onClose}>
          Close
        </button>
      </header>
      <ErrorNotice error={recipient.error} />
      {data && (
        <>
          <h4>Data</h4>
          <dl className="facts">
            {Object.entries(data.data).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{show(value)}</dd>
              </div>
            ))}
            {data.line !== null && (
              <div>
                <dt>CSV line</dt>
                <dd>{data.line}</dd>
              </div>
            )}
          </dl>
          <h4>State</h4>
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={data.status} />
              </dd>
            </div>
            <div>
              <dt>Node</dt>
              <dd>{show(data.current_node)}</dd>
            </div>
            <div>
              <dt>Next action</dt>
              <dd>{formatTime(data.next_at)}</dd>
            </div>
            <div>
              <dt>Result</dt>
              <dd>{show(data.result)}</dd>
            </div>
            {data.failure_reason && (
              <div>
                <dt>Failure</dt>
                <dd>{data.failure_reason}</dd>
              </div>
            )}
            <div>
              <dt>Calls</dt>
              <dd>
                {data.calls_placed} placed, {data.calls_answered} answered, last {show(data.last_call_outcome)}
              </dd>
            </div>
            <div>
              <dt>Talk time</dt>
              <dd>{formatSeconds(data.talk_time_seconds)}</dd>
            </div>
            <div>
              <dt>SMS sent</dt>
              <dd>{data.sms_sent}</dd>
            </div>
            <div>
              <dt>Time zones</dt>
              <dd>{show(data.timezones)}</dd>
            </div>
          </dl>
          <h4>Timeline</h4>
          <ol className="timeline" aria-label="Timeline">
            {data.events.map((event) => (
              <li key={event.id}>
                <div className="timeline-head">
                  <strong>{event.type}</strong>
                  {event.node_id && <code>{event.node_id}</code>}
                  <time dateTime={event.at}>{formatEventTime(event.at)}</time>
                </div>
                {/* Detail is shown as stored: an SMS's text exactly as sent, line breaks kept. */}
                {event.detail && <pre className="event-detail">{event.detail}</pre>}
              </li>
            ))}
          </ol>
          {data.events.length === 0 && <p className="hint">No events yet.</p>}
        </>
      )}
    </aside>
  )
}
