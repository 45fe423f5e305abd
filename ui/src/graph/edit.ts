// Edits of a journey document's graph. Each returns a new document and leaves the
// one it was given unchanged, so the editor can keep earlier documents for undo.
import type { JourneyDocument, JourneyNode, Position } from '../api/types'
import { connectionsOf, mainHandle, targetOf, targetsOf, withTarget } from './targets'

export interface EdgeRef {
  source: string
  handle: string
  target: string
}

function mapNodes(document: JourneyDocument, change: (node: JourneyNode) => JourneyNode): JourneyDocument {
  return { ...document, nodes: document.nodes.map(change) }
}

/** Points one source handle at `target`, replacing the connection it had: a handle has one outgoing edge. */
export function connect(document: JourneyDocument, source: string, handle: string, target: string): JourneyDocument {
  return mapNodes(document, (node) => (node.id === source ? withTarget(node, handle, target) : node))
}

/** Removes the connection of one source handle. */
export function disconnect(document: JourneyDocument, source: string, handle: string): JourneyDocument {
  return mapNodes(document, (node) => (node.id === source ? withTarget(node, handle, undefined) : node))
}

/** Checks that a connection from `source` to `target` may be drawn: Start takes no incoming edge, End has no outgoing one, and no node leads to itself. */
export function canConnect(document: JourneyDocument, source: string, target: string): boolean {
  const targetNode = document.nodes.find((node) => node.id === target)
  const sourceNode = document.nodes.find((node) => node.id === source)
  if (!targetNode || !sourceNode) return false
  return source !== target && targetNode.type !== 'start' && sourceNode.type !== 'end'
}

export function addNode(document: JourneyDocument, node: JourneyNode): JourneyDocument {
  return { ...document, nodes: [...document.nodes, node] }
}

/**
 * Inserts `node` into the edge `edge`: source → node → old target. A node without
 * an onward handle (End) ends the path there, and the old target loses that edge.
 */
export function insertOnEdge(document: JourneyDocument, edge: EdgeRef, node: JourneyNode): JourneyDocument {
  const handle = mainHandle(node)
  const inserted = handle ? withTarget(node, handle, edge.target) : node
  return connect(addNode(document, inserted), edge.source, edge.handle, node.id)
}

/**
 * Returns the edge that a node added after `afterId` goes into: the main handle's
 * edge (`next`, or a branch's `default`) when it leads somewhere, else the first
 * connected handle's edge. A node without connections has none.
 */
export function edgeAfter(document: JourneyDocument, afterId: string): EdgeRef | undefined {
  const after = document.nodes.find((candidate) => candidate.id === afterId)
  if (!after) return undefined
  const connections = connectionsOf(after)
  const main = mainHandle(after)
  const used = connections.find((connection) => connection.handle === main && connection.target) ?? connections.find((connection) => connection.target)
  return used?.target ? { source: afterId, handle: used.handle, target: used.target } : undefined
}

/**
 * Adds `node` after the node `afterId`, inserting it into the edge `edgeAfter`
 * picks, else connecting it to that node's first free handle. After a node
 * without handles (End), `node` is added unconnected.
 */
export function insertAfter(document: JourneyDocument, afterId: string, node: JourneyNode): JourneyDocument {
  const edge = edgeAfter(document, afterId)
  if (edge) return insertOnEdge(document, edge, node)

  const after = document.nodes.find((candidate) => candidate.id === afterId)
  const free = after ? connectionsOf(after).find((connection) => !connection.target) : undefined
  const added = addNode(document, node)
  return free ? connect(added, afterId, free.handle, node.id) : added
}

export interface DeleteOptions {
  /** Connect the nodes that led to the deleted node to its single onward target, when it has exactly one. */
  reconnect: boolean
}

/**
 * Deletes a node and every connection to it. With `reconnect`, and when the node
 * led to exactly one node, edges into it are redirected there. Otherwise they are
 * removed, and the gap is left for the user to close. Start is never deleted: the
 * document comes back unchanged.
 */
export function deleteNode(document: JourneyDocument, nodeId: string, options: DeleteOptions): JourneyDocument {
  const doomed = document.nodes.find((node) => node.id === nodeId)
  if (!doomed || doomed.type === 'start') return document

  const onward = [...new Set(targetsOf(doomed))].filter((target) => target !== nodeId)
  const replacement = options.reconnect && onward.length === 1 ? onward[0] : undefined

  const nodes = document.nodes
    .filter((node) => node.id !== nodeId)
    .map((node) => {
      let changed = node
      for (const { handle, target } of connectionsOf(node)) {
        if (target === nodeId) changed = withTarget(changed, handle, replacement === node.id ? undefined : replacement)
      }
      return changed
    })
  return { ...document, nodes }
}

export function moveNode(document: JourneyDocument, nodeId: string, position: Position): JourneyDocument {
  return mapNodes(document, (node) => (node.id === nodeId ? { ...node, position: { x: position.x, y: position.y } } : node))
}

/**
 * Replaces the node with id `nodeId` by `node`. When the id changes, every
 * connection to the old id follows it.
 */
export function replaceNode(document: JourneyDocument, nodeId: string, node: JourneyNode): JourneyDocument {
  return mapNodes(document, (current) => {
    const replaced = current.id === nodeId ? node : current
    if (node.id === nodeId) return replaced
    let changed = replaced
    for (const { handle, target } of connectionsOf(replaced)) {
      if (target === nodeId) changed = withTarget(changed, handle, node.id)
    }
    return changed
  })
}

/** Returns the node a handle leads to, if the node and handle exist. */
export function targetOfHandle(document: JourneyDocument, source: string, handle: string): string | undefined {
  const node = document.nodes.find((candidate) => candidate.id === source)
  return node ? targetOf(node, handle) : undefined
}
