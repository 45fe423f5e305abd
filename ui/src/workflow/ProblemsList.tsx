// Every validation problem of the working document; choosing one shows where it is.
import type { JourneyDocument, Problem } from '../api/types'
import { isNetworkError } from '../api/connection'
import { problemNodeId } from '../graph/problems'

interface ProblemsListProps {
  document: JourneyDocument
  problems: Problem[]
  checking: boolean
  error: unknown
  onSelect: (problem: Problem) => void
}

function where(document: JourneyDocument, problem: Problem): string {
  const nodeId = problemNodeId(document, problem)
  if (nodeId) {
    const node = document.nodes.find((candidate) => candidate.id === nodeId)
    return node?.label ? `${node.label} (${nodeId})` : nodeId
  }
  return problem.path?.startsWith('fields') ? 'Data fields' : (problem.path ?? 'Journey')
}

export function ProblemsList({ document, problems, checking, error, onSelect }: ProblemsListProps) {
  return (
    <section className="problems" aria-labelledby="problems-title">
      <h2 id="problems-title">
        Problems <span className="badge">{problems.length}</span>
      </h2>
      {error && !isNetworkError(error) ? (
        <p className="error" role="alert">
          The journey could not be checked: {error instanceof Error ? error.message : String(error)}
        </p>
      ) : null}
      {isNetworkError(error) && <p className="hint">The journey could not be checked while the server is out of reach.</p>}
      {problems.length === 0 && !error && <p className="hint">{checking ? 'Checking…' : 'No problems found.'}</p>}
      <ul className="problems-list">
        {problems.map((problem, index) => (
          <li key={`${index}-${problem.path}-${problem.message}`}>
            <button type="button" className="problem-item" onClick={() => onSelect(problem)}>
              <strong>{where(document, problem)}</strong>
              <span>{problem.message}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
