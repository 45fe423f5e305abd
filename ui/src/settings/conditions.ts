// Reshaping branch conditions in the condition builder: a comparison, or a group
// `{all: [...]}`, `{any: [...]}` or `{not: {...}}`.
import type { Condition } from '../api/types'

export type ConditionKind = 'comparison' | 'all' | 'any' | 'not'
export type Comparison = { subject: string; op: string; value?: unknown }

export function conditionKind(condition: Condition): ConditionKind {
  if ('all' in condition) return 'all'
  if ('any' in condition) return 'any'
  if ('not' in condition) return 'not'
  return 'comparison'
}

/** Returns the parts of a group, or the one inner condition of `not`, or [] for a comparison. */
export function conditionParts(condition: Condition): Condition[] {
  if ('all' in condition) return condition.all
  if ('any' in condition) return condition.any
  if ('not' in condition) return [condition.not]
  return []
}

export function emptyComparison(subject = ''): Comparison {
  return { subject, op: 'equals', value: '' }
}

/**
 * Returns `condition` turned into `kind`, keeping what it can. A comparison becomes
 * the only part of a new group, and a group keeps its parts when it switches between
 * `all` and `any`. A group turned back into a comparison keeps its first comparison.
 */
export function convertCondition(condition: Condition, kind: ConditionKind, subject = ''): Condition {
  const current = conditionKind(condition)
  if (current === kind) return condition

  const parts = current === 'comparison' ? [condition] : conditionParts(condition)
  if (kind === 'all') return { all: parts }
  if (kind === 'any') return { any: parts }
  if (kind === 'not') return { not: condition }
  return firstComparison(condition) ?? emptyComparison(subject)
}

/** Returns a copy of group `condition` with `parts` as its parts. */
export function withParts(condition: Condition, parts: Condition[]): Condition {
  if ('all' in condition) return { ...condition, all: parts }
  if ('any' in condition) return { ...condition, any: parts }
  if ('not' in condition) return { ...condition, not: parts[0] ?? emptyComparison() }
  return condition
}

function firstComparison(condition: Condition): Comparison | undefined {
  if (conditionKind(condition) === 'comparison') return condition as Comparison
  for (const part of conditionParts(condition)) {
    const found = firstComparison(part)
    if (found) return found
  }
  return undefined
}

/** Returns the path of the part `index` of a condition at `path`, as validation problems name it. */
export function partPath(path: string, condition: Condition, index: number): string {
  const kind = conditionKind(condition)
  return kind === 'not' ? `${path}.not` : `${path}.${kind}[${index}]`
}
