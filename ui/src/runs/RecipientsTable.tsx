import { useCallback, useEffect, useState, type KeyboardEvent } from 'react'
import { getJson } from '../api/client'
import type { Journey } from '../api/types'
import { ErrorNotice } from '../components/ErrorNotice'
import { Field } from '../components/Field'
import { useAsync, usePolling } from '../components/useAsync'
import { formatTime } from '../format'
import { FIRST_PAGE, currentCursor, hasPreviousPage, pageNumber, popCursor, pushCursor, type CursorStack } from './cursors'
import { RecipientDrawer } from './RecipientDrawer'
import type { RecipientPage } from './recipientTypes'
import { displayName } from './recipients'
import { RECIPIENT_STATUSES } from './runTypes'
import { StatusBadge } from './StatusBadge'

// The API pages by id, so a page costs the same at any depth of a million-recipient run.
const PAGE_SIZE = 50
const REFRESH_MS = 2500
const SEARCH_DELAY_MS = 300

interface Filters {
  status: string
  node: string
  q: string
}

/** `value`, once it has stopped changing for `delay` milliseconds. */
function useDebounced(value: string, delay: number): string {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay)
    return () => window.clearTimeout(timer)
  }, [value, delay])
  return settled
}

interface RecipientsTableProps {
  journey: Journey
  runId: number
  live: boolean
  /** Changes whenever the run's recipients may have changed (an import, a command), to reload the page. */
  refreshKey: string
}

export function RecipientsTable({ journey, runId, live, refreshKey }: RecipientsTableProps) {
  const [filters, setFilters] = useState<Filters>({ status: '', node: '', q: '' })
  const [search, setSearch] = useState('')
  const [stack, setStack] = useState<CursorStack>(FIRST_PAGE)
  const [openId, setOpenId] = useState<number>()
  const q = useDebounced(search.trim(), SEARCH_DELAY_MS)
  const cursor = currentCursor(stack)

  // A new filter or search starts again at the first page.
  useEffect(() => {
    setFilters((current) => (current.q === q ? current : { ...current, q }))
    setStack(FIRST_PAGE)
  }, [q])

  const page = useAsync(
    () => getJson<RecipientPage>(`/api/runs/${runId}/recipients`, { status: filters.status, node: filters.node, q: filters.q, cursor, limit: PAGE_SIZE }),
    [runId, filters.status, filters.node, filters.q, cursor, refreshKey],
  )
  const reload = page.reload
  usePolling(reload, REFRESH_MS, live)
  const closeDrawer = useCallback(() => setOpenId(undefined), [])

  function setFilter(change: Partial<Filters>) {
    setFilters((current) => ({ ...current, ...change }))
    setStack(FIRST_PAGE)
  }

  function onRowKey(event: KeyboardEvent, id: number) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      setOpenId(id)
    }
  }

  const fields = journey.document.fields
  const items = page.data?.items ?? []
  return (
    <section className="recipients" aria-label="Recipients">
      <div className="recipient-filters">
        <Field label="Status">
          {(props) => (
            <select {...props} value={filters.status} onChange={(event) => setFilter({ status: event.target.value })}>
              <option value="">All</option>
              {RECIPIENT_STATUSES.map((status) => (
                <option key={status}>{status}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Node">
          {(props) => (
            <select {...props} value={filters.node} onChange={(event) => setFilter({ node: event.target.value })}>
              <option value="">All</option>
              {journey.document.nodes.map((node) => (
                <option key={node.id} value={node.id}>
                  {node.label ? `${node.label} (${node.id})` : node.id}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Search" hint="Phone number or name">
          {(props) => <input {...props} type="search" value={search} maxLength={100} onChange={(event) => setSearch(event.target.value)} />}
        </Field>
      </div>
      <ErrorNotice error={page.error} />
      <div className="table-scroll">
        <table className="table recipients-table">
          <thead>
            <tr>
              <th scope="col">Phone</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Node</th>
              <th scope="col">Next action</th>
              <th scope="col">Calls</th>
            </tr>
          </thead>
          <tbody>
            {items.map((recipient) => (
              <tr
                key={recipient.id}
                tabIndex={0}
                className="clickable"
                aria-label={`Recipient ${recipient.phone_number}`}
                onClick={() => setOpenId(recipient.id)}
                onKeyDown={(event) => onRowKey(event, recipient.id)}
              >
                <td>
                  {recipient.phone_number}
                  {recipient.phone_extension && ` ext. ${recipient.phone_extension}`}
                </td>
                <td>{displayName(recipient.data, fields)}</td>
                <td>
                  <StatusBadge status={recipient.status} />
                </td>
                <td>{recipient.current_node ?? '—'}</td>
                <td>{formatTime(recipient.next_at)}</td>
                <td>{recipient.calls_placed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.data && items.length === 0 && <p className="hint">No recipients match.</p>}
      <nav className="pager" aria-label="Recipient pages">
        <button type="button" disabled={!hasPreviousPage(stack)} onClick={() => setStack(popCursor(stack))}>
          Previous
        </button>
        <span>Page {pageNumber(stack)}</span>
        <button
          type="button"
          disabled={!page.data?.next_cursor}
          onClick={() => {
            if (page.data?.next_cursor) setStack(pushCursor(stack, page.data.next_cursor))
          }}
        >
          Next
        </button>
      </nav>
      {openId !== undefined && <RecipientDrawer recipientId={openId} live={live} onClose={closeDrawer} />}
    </section>
  )
}
