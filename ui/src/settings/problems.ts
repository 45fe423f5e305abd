// Placing a node's validation problems next to the control they concern. Problem
// paths read `nodes[2].cases[0].when.op` or `fields[1].name`.
import type { Problem } from '../api/types'

/** Returns the setting a node problem points at, such as `cases[0].when.op`, or '' for the whole node. */
export function settingPath(problem: Problem): string {
  return (problem.path ?? '').replace(/^nodes\[\d+\]\.?/, '')
}

/** Returns whether `path` is `setting` itself or lies inside it. */
export function isWithin(path: string, setting: string): boolean {
  return path === setting || path.startsWith(`${setting}.`) || path.startsWith(`${setting}[`)
}

/** Lists the messages of problems at `setting` or inside it. */
export function messagesAt(problems: Problem[], setting: string): string[] {
  return problems.filter((problem) => isWithin(settingPath(problem), setting)).map((problem) => problem.message)
}

/** Lists the messages of problems exactly at `setting`, or at one of its own keys (`setting.op`). */
export function messagesExactlyAt(problems: Problem[], setting: string, keys: string[] = []): string[] {
  const paths = new Set([setting, ...keys.map((key) => `${setting}.${key}`)])
  return problems.filter((problem) => paths.has(settingPath(problem))).map((problem) => problem.message)
}

/** Lists the problems that no shown setting claims, which the panel shows at its top. */
export function unplacedProblems(problems: Problem[], shownSettings: string[]): Problem[] {
  return problems.filter((problem) => {
    const path = settingPath(problem)
    return path === '' || !shownSettings.some((setting) => isWithin(path, setting))
  })
}

/** Lists the problems of data field `index` (paths `fields[<index>]...`), keyed by its setting. */
export function fieldProblems(problems: Problem[], index: number): { setting: string; message: string }[] {
  const prefix = `fields[${index}]`
  return problems
    .filter((problem) => problem.path !== null && isWithin(problem.path, prefix))
    .map((problem) => ({ setting: (problem.path ?? '').slice(prefix.length).replace(/^\./, ''), message: problem.message }))
}
