/** Show a run's or a recipient's status as a coloured badge. The colour only repeats the word. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>
}
