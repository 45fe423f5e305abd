import { Field } from '../components/Field'
import { fieldError } from '../components/ErrorNotice'
import type { RunListItem } from '../runs/runTypes'
import { allowedBucket, bucketChoices } from './buckets'
import { rangeQuery, type DateRange, type RangeQuery } from './dateRange'
import type { Bucket } from './types'

interface OverviewFiltersProps {
  runs: RunListItem[]
  runId: number | undefined
  onRun: (runId: number | undefined) => void
  range: DateRange
  /** Called with the new days, and their query when the range is valid. */
  onRange: (range: DateRange, query: RangeQuery | undefined) => void
  timeZone: string
  bucket: Bucket | ''
  applied: RangeQuery
  onBucket: (bucket: Bucket | '') => void
  /** The last error of the API, whose field errors are shown next to their control. */
  error: unknown
}

/** The run, date range and bucket controls of the Overview. */
export function OverviewFilters(props: OverviewFiltersProps) {
  const { runs, runId, range, timeZone } = props
  const rangeError = rangeQuery(range, timeZone).error
  const listed = runId === undefined || runs.some((run) => run.id === runId)

  const changeRange = (next: DateRange) => props.onRange(next, rangeQuery(next, timeZone).query)

  return (
    <div className="overview-filters">
      <Field label="Run" error={fieldError(props.error, 'run')}>
        {(control) => (
          <select
            {...control}
            value={runId ?? ''}
            onChange={(event) => props.onRun(event.target.value ? Number(event.target.value) : undefined)}
          >
            <option value="">All runs</option>
            {!listed && <option value={runId}>Run #{runId}</option>}
            {runs.map((run) => (
              <option key={run.id} value={run.id}>
                {run.name} (#{run.id}, {run.status})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="From" error={fieldError(props.error, 'since')}>
        {(control) => (
          <input {...control} type="date" value={range.from} max={range.to || undefined} onChange={(event) => changeRange({ ...range, from: event.target.value })} />
        )}
      </Field>
      <Field label="To" error={rangeError ?? fieldError(props.error, 'until')} hint={`Days in ${timeZone}`}>
        {(control) => (
          <input {...control} type="date" value={range.to} min={range.from || undefined} onChange={(event) => changeRange({ ...range, to: event.target.value })} />
        )}
      </Field>
      <Field label="Chart bars" error={fieldError(props.error, 'bucket')}>
        {(control) => (
          <select {...control} value={allowedBucket(props.bucket, props.applied)} onChange={(event) => props.onBucket(event.target.value as Bucket | '')}>
            {bucketChoices(props.applied).map((choice) => (
              <option key={choice.value} value={choice.value} disabled={Boolean(choice.disabledReason)}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  )
}
