// The node palette: drag an item onto the canvas or onto an edge, or press
// Enter on it to add the node after the selected one.
import { TYPE_NAMES, PLACEABLE_TYPES, type PlaceableType } from '../graph/defaults'
import { NodeIcon } from './icons'

/** The drag data type that carries a node type from the palette to the canvas. */
export const NODE_TYPE_MIME = 'application/x-journeys-node-type'

export function Palette({ onAdd, hasSelection }: { onAdd: (type: PlaceableType) => void; hasSelection: boolean }) {
  return (
    <section className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Add a step</h2>
      <p id="palette-hint" className="hint">
        Drag onto the canvas or onto an arrow. Enter adds it {hasSelection ? 'after the selected node' : 'unconnected'}.
      </p>
      <div className="palette-items">
        {PLACEABLE_TYPES.map((type) => (
          <button
            key={type}
            type="button"
            className="palette-item"
            draggable
            aria-describedby="palette-hint"
            onDragStart={(event) => {
              event.dataTransfer.setData(NODE_TYPE_MIME, type)
              event.dataTransfer.effectAllowed = 'move'
            }}
            onClick={() => onAdd(type)}
          >
            <NodeIcon type={type} />
            {TYPE_NAMES[type]}
          </button>
        ))}
      </div>
    </section>
  )
}
