// Inline SVG icons for node types: the app loads nothing from the internet.
import type { NodeType } from '../api/types'

const PATHS: Record<NodeType, string> = {
  start: 'M6 4l12 8-12 8z',
  call: 'M6.6 10.8a15 15 0 006.6 6.6l2.2-2.2a1 1 0 011-.25 11.4 11.4 0 003.6.57 1 1 0 011 1V20a1 1 0 01-1 1A17 17 0 013 4a1 1 0 011-1h3.5a1 1 0 011 1c0 1.25.2 2.45.57 3.57a1 1 0 01-.25 1z',
  sms: 'M4 4h16a1 1 0 011 1v11a1 1 0 01-1 1H8l-4 4V5a1 1 0 011-1zm3 5h10M7 12h7',
  time_delay: 'M12 3a9 9 0 110 18 9 9 0 010-18zm0 4v5l3 3',
  wait_until: 'M4 6h16v14H4zM4 10h16M8 3v5M16 3v5M9 15l2 2 4-4',
  branch: 'M6 3v6a4 4 0 004 4h4a4 4 0 014 4v4M6 9v12M18 17l-2 2M18 17l2 2',
  end: 'M5 4v17M5 4h12l-2 4 2 4H5',
}

export function NodeIcon({ type, size = 18 }: { type: NodeType; size?: number }) {
  return (
    <svg className="node-icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[type]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}
