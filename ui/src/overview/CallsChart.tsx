import { useId, useState } from 'react'
import { formatCount } from '../format'
import { axisLabel, fullLabel, tickIndexes } from './buckets'
import { barLayout, niceScale, scaleHeight, stackBars } from './chart'
import { CHART_OUTCOMES, type CallSeries, type ChartOutcome } from './types'

export const OUTCOME_LABELS: Record<ChartOutcome, string> = {
  answered: 'Answered',
  voicemail: 'Voicemail',
  no_answer: 'No answer',
  busy: 'Busy',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

// The drawing's own units; the SVG scales to the width of its card.
const WIDTH = 960
const HEIGHT = 240
const MARGIN = { top: 12, right: 12, bottom: 44, left: 52 }
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom
const MAX_X_LABELS = 8
const MAX_BAR_WIDTH = 48

/** Calls placed per bucket of time, stacked by outcome, with a legend and a table to show instead. */
export function CallsChart({ calls, timeZone }: { calls: CallSeries; timeZone: string }) {
  const [asTable, setAsTable] = useState(false)
  const tableId = useId()
  const bars = stackBars(calls.series, CHART_OUTCOMES)
  const total = bars.reduce((sum, bar) => sum + bar.total, 0)

  return (
    <section className="overview-card" aria-labelledby="calls-over-time">
      <div className="card-header">
        <h2 id="calls-over-time">Calls over time, per {calls.bucket}</h2>
        <button type="button" aria-expanded={asTable} aria-controls={tableId} onClick={() => setAsTable(!asTable)} disabled={total === 0}>
          {asTable ? 'Show as chart' : 'Show as table'}
        </button>
      </div>
      {calls.clipped && <p className="hint">The range has more days than the chart can show, so only its last {calls.series.length} day{calls.series.length === 1 ? '' : 's'} {calls.series.length === 1 ? 'is' : 'are'} drawn.</p>}
      {total === 0 ? (
        <p className="hint">No call with an outcome in this range yet.</p>
      ) : asTable ? (
        <CallsTable id={tableId} calls={calls} timeZone={timeZone} />
      ) : (
        <>
          <ChartSvg calls={calls} timeZone={timeZone} total={total} />
          <Legend />
        </>
      )}
    </section>
  )
}

function ChartSvg({ calls, timeZone, total }: { calls: CallSeries; timeZone: string; total: number }) {
  const bars = stackBars(calls.series, CHART_OUTCOMES)
  const scale = niceScale(Math.max(...bars.map((bar) => bar.total)))
  const layout = barLayout(bars.length, PLOT_WIDTH, MAX_BAR_WIDTH)
  const y = (value: number) => MARGIN.top + PLOT_HEIGHT - scaleHeight(value, scale, PLOT_HEIGHT)
  const first = calls.series[0]?.start
  const summary = `${formatCount(total)} call${total === 1 ? '' : 's'} in ${bars.length} bucket${bars.length === 1 ? '' : 's'} of one ${calls.bucket}` + (first ? ` from ${fullLabel(first, calls.bucket, timeZone)}` : '')

  return (
    <svg className="calls-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Chart of calls over time: ${summary}. Use Show as table to read the figures.`}>
      <g className="chart-grid">
        {scale.ticks.map((tick) => (
          <g key={tick}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
            <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
              {formatCount(tick)}
            </text>
          </g>
        ))}
      </g>
      <g className="chart-bars">
        {bars.map((bar) =>
          bar.total === 0 ? null : (
            <g key={bar.index} data-bucket={bar.start}>
              <title>{`${fullLabel(bar.start, calls.bucket, timeZone)}: ${bar.segments.map((segment) => `${segment.to - segment.from} ${OUTCOME_LABELS[segment.outcome].toLowerCase()}`).join(', ')}`}</title>
              {bar.segments.map((segment) => (
                <rect
                  key={segment.outcome}
                  className={`outcome-${segment.outcome}`}
                  x={MARGIN.left + layout.x(bar.index)}
                  width={Math.max(layout.barWidth, 1)}
                  y={y(segment.to)}
                  height={y(segment.from) - y(segment.to)}
                />
              ))}
            </g>
          ),
        )}
      </g>
      <g className="chart-axis">
        <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} />
        {tickIndexes(bars.length, MAX_X_LABELS).map((index) => (
          <text key={index} x={MARGIN.left + layout.x(index) + layout.barWidth / 2} y={y(0) + 16} textAnchor="middle">
            {axisLabel(bars[index].start, calls.bucket, timeZone)}
          </text>
        ))}
        <text x={MARGIN.left + PLOT_WIDTH / 2} y={HEIGHT - 6} textAnchor="middle" className="axis-title">
          Time placed ({timeZone}), one bar per {calls.bucket}
        </text>
        <text transform={`translate(14 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)`} textAnchor="middle" className="axis-title">
          Calls
        </text>
      </g>
    </svg>
  )
}

function Legend() {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {CHART_OUTCOMES.map((outcome) => (
        <li key={outcome}>
          <span className={`swatch outcome-${outcome}`} aria-hidden="true" />
          {OUTCOME_LABELS[outcome]}
        </li>
      ))}
    </ul>
  )
}

function CallsTable({ id, calls, timeZone }: { id: string; calls: CallSeries; timeZone: string }) {
  const rows = calls.series.filter((bucket) => CHART_OUTCOMES.some((outcome) => bucket[outcome] > 0))
  return (
    <div className="chart-table-wrap">
      <table id={id} className="table">
        <caption className="hint">Calls by outcome per {calls.bucket}; buckets without calls are left out.</caption>
        <thead>
          <tr>
            <th scope="col">{calls.bucket === 'day' ? 'Day' : 'Start'}</th>
            {CHART_OUTCOMES.map((outcome) => (
              <th key={outcome} scope="col">
                {OUTCOME_LABELS[outcome]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((bucket) => (
            <tr key={bucket.start}>
              <th scope="row">{fullLabel(bucket.start, calls.bucket, timeZone)}</th>
              {CHART_OUTCOMES.map((outcome) => (
                <td key={outcome}>{formatCount(bucket[outcome])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
