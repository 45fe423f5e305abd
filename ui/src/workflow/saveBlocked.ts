// The sentences the save dialog shows when it will not publish a document.
import type { Problem } from '../api/types'

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export interface BlockingImpact {
  blocked: unknown[]
  problems: Problem[]
}

/** Returns the sentence that explains why saving is blocked, or undefined when it is not. */
export function reasonNotToSave(impact: BlockingImpact | undefined): string | undefined {
  if (!impact) return undefined
  if (impact.blocked.length > 0) {
    return 'Saving is blocked: recipients of live runs wait at nodes this version removes. Keep those nodes until the runs finish, or cancel the runs.'
  }
  const count = impact.problems.length
  if (count > 0) return `Saving is blocked: the journey has ${plural(count, 'problem')}. Fix ${count === 1 ? 'it' : 'them'} first.`
  return undefined
}
