// The one way the web app talks to the API: same-origin fetch with the session cookie,
// the CSRF header on every change, and the API's error body turned into ApiError.
import { setUnreachable } from './connection'
import { plainMessage } from './messages'
import type { WhoAmI } from './types'

export interface FieldError {
  path: string
  message: string
  /** Set on journey validation problems: the node the problem is on. */
  nodeId?: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly errors: FieldError[]

  constructor(status: number, code: string, message: string, errors: FieldError[] = []) {
    super(message)
    this.status = status
    this.code = code
    this.errors = errors
  }

  /** The message for one field, matched on the end of the error path (`body.name` matches `name`). */
  forField(field: string): string | undefined {
    const found = this.errors.find((error) => error.path === field || error.path.endsWith(`.${field}`))
    return found?.message
  }
}

const CSRF_COOKIE = 'journeys_csrf'
const CSRF_HEADER = 'X-CSRF-Token'

function csrfToken(): string {
  const cookie = document.cookie.split('; ').find((part) => part.startsWith(`${CSRF_COOKIE}=`))
  return cookie ? decodeURIComponent(cookie.slice(CSRF_COOKIE.length + 1)) : ''
}

type Query = Record<string, string | number | boolean | null | undefined>

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = await response.json()
    const errors = Array.isArray(body.errors) ? body.errors.map(toFieldError) : []
    return new ApiError(response.status, body.code ?? 'error', plainMessage(body.message ?? response.statusText), errors)
  } catch {
    return new ApiError(response.status, 'error', `the server responded ${response.status} ${response.statusText}`)
  }
}

function toFieldError(error: { path?: unknown; message?: unknown; node_id?: unknown }): FieldError {
  const path = typeof error.path === 'string' ? error.path : ''
  const message = typeof error.message === 'string' ? plainMessage(error.message) : ''
  const nodeId = typeof error.node_id === 'string' ? error.node_id : undefined
  return { path, message, nodeId }
}

export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let payload: BodyInit | undefined
  if (body instanceof FormData) {
    payload = body
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  if (method !== 'GET') headers[CSRF_HEADER] = csrfToken()

  let response: Response
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' })
  } catch {
    setUnreachable(true)
    throw new ApiError(0, 'network', 'the server cannot be reached; check that journeys serve is running, then try again')
  }
  setUnreachable(false)
  if (!response.ok) throw await errorFrom(response)
  return response
}

export async function getJson<T>(path: string, query?: Query): Promise<T> {
  const response = await request('GET', withQuery(path, query))
  return (await response.json()) as T
}

export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await request(method, path, body)
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

/** Sets or changes the signed-in user's own password; other sessions end, this one stays signed in. */
export function changeOwnPassword(body: { current_password: string | null; new_password: string }): Promise<WhoAmI> {
  return sendJson<WhoAmI>('PUT', '/api/session/password', body)
}
