// Name completion inside `{{ ... }}` of a message template.
import type { JourneyDocument } from '../api/types'
import { listSubjects, type Subject } from './subjects'

export interface TemplateName {
  /** The text inserted into the template, such as `customer_name` or `nodes.call_1.outcome`. */
  insert: string
  description: string
}

/** The name being typed at the caret: `text.slice(start, end)` is `query`. */
export interface OpenToken {
  start: number
  end: number
  query: string
}

const MAX_SUGGESTIONS = 30
// The text between `{{` and the caret while the first name of an expression is typed.
const TYPING_NAME = /^\s*([A-Za-z0-9_.[\]'-]*)$/
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Finds the name being typed right after an unclosed `{{` before the caret, if any. */
export function openToken(text: string, caret: number): OpenToken | undefined {
  const before = text.slice(0, caret)
  const opening = before.lastIndexOf('{{')
  if (opening < 0 || before.indexOf('}}', opening) >= 0) return undefined

  const match = TYPING_NAME.exec(before.slice(opening + 2))
  if (!match) return undefined
  const query = match[1]
  return { start: caret - query.length, end: caret, query }
}

/**
 * Lists the names a template at `nodeId` can read: data fields by their bare name
 * (built-in ones too), earlier nodes' outputs and the recipient's attributes.
 */
export function templateNames(document: JourneyDocument, nodeId: string): TemplateName[] {
  return listSubjects(document, nodeId).map((subject) => ({
    insert: templateName(subject),
    description: subject.description,
  }))
}

/** Lists the names that match `query`: names starting with it first, then names containing it. */
export function matchNames(names: TemplateName[], query: string): TemplateName[] {
  const wanted = query.toLowerCase()
  const starting = names.filter((name) => name.insert.toLowerCase().startsWith(wanted))
  const containing = names.filter((name) => !name.insert.toLowerCase().startsWith(wanted) && name.insert.toLowerCase().includes(wanted))
  return [...starting, ...containing].slice(0, MAX_SUGGESTIONS)
}

/**
 * Replaces the open token with `name` and closes the expression with ` }}` unless a
 * `}}` already follows. Returns the new text and the caret after the insertion.
 */
export function insertName(text: string, token: OpenToken, name: string): { text: string; caret: number } {
  const after = text.slice(token.end)
  const closed = /^\s*(\||}})/.test(after)
  const inserted = closed ? name : `${name} }}`
  const leading = text.slice(0, token.start)
  const spaced = leading.endsWith('{{') ? `${leading} ` : leading
  return { text: spaced + inserted + after, caret: spaced.length + inserted.length }
}

function templateName(subject: Subject): string {
  if (subject.group === 'Data fields') return subject.name.slice('data.'.length)

  const [head, id, ...rest] = subject.name.split('.')
  const output = subject.takesKey ? `${rest.join('.')}.` : rest.join('.')
  // Jinja reads `nodes.call-1` as a subtraction, so an id that is not an identifier is quoted.
  if (head === 'nodes' && !IDENTIFIER.test(id)) return `nodes['${id}'].${output}`
  return subject.takesKey ? `${head}.${id}.${output}` : subject.name
}
