// When the Overview polls: while a run it shows is running.

/** The statuses in which a run's figures change by themselves. */
export const LIVE_STATUSES = ['running']

/** Returns whether the selected run, or for all runs any run, is running. */
export function isLive(runs: { id: number; status: string }[], runId: number | undefined): boolean {
  const shown = runId === undefined ? runs : runs.filter((run) => run.id === runId)
  return shown.some((run) => LIVE_STATUSES.includes(run.status))
}

/** Returns the time of day as hh:mm:ss on a 24-hour clock, in the browser's zone unless one is given. */
export function clockTime(date: Date, timeZone?: string): string {
  return date.toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
}
