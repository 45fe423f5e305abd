import type { JourneyDocument } from '../api/types'
import { formatCount } from '../format'
import { funnelRows } from './funnel'
import type { NodeStats } from './types'

/** Each node in journey order with horizontal bars: recipients that left it and are on it now. */
export function NodeFunnel({ document, nodes }: { document: JourneyDocument; nodes: NodeStats[] }) {
  const rows = funnelRows(document, nodes)
  const widest = Math.max(1, ...rows.map((row) => Math.max(row.entered, row.onNow + row.left)))

  return (
    <section className="overview-card" aria-labelledby="node-funnel">
      <div className="card-header">
        <h2 id="node-funnel">Recipients by node</h2>
        <ul className="chart-legend" aria-label="Legend">
          <li>
            <span className="swatch funnel-left" aria-hidden="true" />
            Left
          </li>
          <li>
            <span className="swatch funnel-on-now" aria-hidden="true" />
            On it now
          </li>
        </ul>
      </div>
      <ol className="funnel">
        {rows.map((row) => (
          <li key={row.id} className="funnel-row">
            <span className="funnel-name">
              {row.label}
              {row.type && <span className="funnel-type"> · {row.type.replace('_', ' ')}</span>}
            </span>
            <span className="funnel-bar" aria-hidden="true">
              <span className="funnel-left" style={{ width: `${(row.left / widest) * 100}%` }} />
              <span className="funnel-on-now" style={{ width: `${(row.onNow / widest) * 100}%` }} />
            </span>
            <span className="funnel-counts">
              {formatCount(row.entered)} entered · {formatCount(row.onNow)} on now · {formatCount(row.left)} left
            </span>
          </li>
        ))}
      </ol>
    </section>
  )
}
