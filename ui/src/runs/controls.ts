// Which lifecycle commands a run offers in each status. The API enforces the same
// transitions and returns 409 for any other, so this table hides buttons that
// would only fail.

export type RunStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled' | 'failed'

export type RunControl = 'start' | 'schedule' | 'import' | 'delete' | 'unschedule' | 'pause' | 'resume' | 'cancel'

const CONTROLS: Record<RunStatus, RunControl[]> = {
  draft: ['start', 'schedule', 'import', 'delete'],
  scheduled: ['unschedule'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
  failed: [],
}

export interface ControlContext {
  /** The journey's start trigger: with 'api', a running run also takes imports. */
  startTrigger?: string
  /** Viewers get no controls at all. */
  canOperate: boolean
}

/** Return the commands a run in `status` offers, in the order the header shows them. */
export function allowedControls(status: string, context: ControlContext): RunControl[] {
  if (!context.canOperate) return []
  const controls = CONTROLS[status as RunStatus]
  if (!controls) return []
  if (status === 'running' && context.startTrigger === 'api') return ['import', ...controls]
  return [...controls]
}

/** Return whether the run can still change status, by itself or by a command. */
export function isLive(status: string): boolean {
  return status === 'scheduled' || status === 'running' || status === 'paused'
}
