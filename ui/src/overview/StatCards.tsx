import { formatCount, formatPercent, formatSeconds } from '../format'
import { RECIPIENT_STATUSES } from '../runs/runTypes'
import type { Stats } from './types'

const STATUS_LABELS: Record<string, string> = {
  pending: 'Pending',
  active: 'Active',
  waiting: 'Waiting',
  delayed: 'Delayed',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

/** The headline figures, the other call and SMS counts, and recipients by status. */
export function StatCards({ stats }: { stats: Stats }) {
  const answerRateHint =
    stats.answer_rate === null ? 'No call has an outcome yet' : `${formatCount(stats.calls_answered)} answered by a person`
  return (
    <>
      <div className="overview-top">
        <dl className="overview-headline">
          <Figure label="Calls placed" value={formatCount(stats.calls_placed)} large />
          <Figure label="Answer rate" value={formatPercent(stats.answer_rate)} hint={answerRateHint} large />
          <Figure label="Average talk time" value={formatSeconds(stats.average_talk_time_seconds)} large />
        </dl>
        <RecipientsByStatus stats={stats} />
      </div>
      <dl className="overview-figures">
        <Figure label="Voicemail" value={formatCount(stats.voicemail)} />
        <Figure label="No answer" value={formatCount(stats.no_answer)} />
        <Figure label="Busy" value={formatCount(stats.busy)} />
        <Figure label="Failed" value={formatCount(stats.calls_failed)} />
        <Figure label="SMS sent" value={formatCount(stats.sms_sent)} />
        <Figure label="SMS delivered" value={formatCount(stats.sms_delivered)} />
        <Figure label="SMS failed" value={formatCount(stats.sms_failed)} />
      </dl>
    </>
  )
}

function Figure({ label, value, hint, large = false }: { label: string; value: string; hint?: string; large?: boolean }) {
  return (
    <div className={large ? 'figure figure-large' : 'figure'}>
      <dt className="figure-label">{label}</dt>
      <dd className="figure-value">{value}</dd>
      {hint && <dd className="figure-hint">{hint}</dd>}
    </div>
  )
}

function RecipientsByStatus({ stats }: { stats: Stats }) {
  // Known statuses in lifecycle order, then any other status the server counted.
  const statuses = [...RECIPIENT_STATUSES, ...Object.keys(stats.by_status).filter((status) => !(RECIPIENT_STATUSES as readonly string[]).includes(status))]
  const total = stats.recipients
  return (
    <section className="overview-card" aria-labelledby="recipients-by-status">
      <h2 id="recipients-by-status">Recipients by status · {formatCount(total)}</h2>
      {total > 0 && (
        <div className="status-bar" aria-hidden="true">
          {statuses.map((status) => {
            const count = stats.by_status[status] ?? 0
            if (count === 0) return null
            return <span key={status} className={`status-segment status-${status}`} style={{ flexGrow: count }} title={`${STATUS_LABELS[status] ?? status}: ${count}`} />
          })}
        </div>
      )}
      <ul className="status-list">
        {statuses.map((status) => (
          <li key={status}>
            <span className={`swatch status-${status}`} aria-hidden="true" />
            {STATUS_LABELS[status] ?? status} <strong>{formatCount(stats.by_status[status] ?? 0)}</strong>
          </li>
        ))}
      </ul>
    </section>
  )
}
