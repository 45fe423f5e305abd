// Validation problems placed where the editor shows them: on a node, or in the
// general list (top-level keys and data fields).
import type { JourneyDocument, Problem } from '../api/types'

export interface PlacedProblems {
  byNode: Map<string, Problem[]>
  general: Problem[]
}

/**
 * Assigns each problem to the node it names, or else to the node at the index its
 * path gives (`nodes[2].agent`). Problems on no node of the document are general.
 */
export function placeProblems(document: JourneyDocument, problems: Problem[]): PlacedProblems {
  const ids = new Set(document.nodes.map((node) => node.id))
  const byNode = new Map<string, Problem[]>()
  const general: Problem[] = []

  for (const problem of problems) {
    const nodeId = problemNodeId(document, problem)
    if (nodeId !== undefined && ids.has(nodeId)) {
      byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), problem])
    } else {
      general.push(problem)
    }
  }
  return { byNode, general }
}

/** Returns the id of the node a problem is on, from its node id or its `nodes[i]` path. */
export function problemNodeId(document: JourneyDocument, problem: Problem): string | undefined {
  if (problem.node_id) return problem.node_id
  const match = /^nodes\[(\d+)\]/.exec(problem.path ?? '')
  return match ? document.nodes[Number(match[1])]?.id : undefined
}

/** Checks whether a problem concerns the data fields, which the fields panel shows. */
export function isFieldProblem(problem: Problem): boolean {
  return (problem.path ?? '').startsWith('fields')
}
