/** The JSON client of /api/*: cookies for the session, silent refresh on 401, typed errors. */

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string
  constructor(status: number, code: string, message: string, field?: string) {
    super(message)
    this.status = status
    this.code = code
    this.field = field
  }
}

const TOKEN_KEY = 'causality.token'

/** An access token (personal token) used instead of the session cookie, when the user chose one. */
export function accessToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

export function setAccessToken(token: string | null) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token)
  else sessionStorage.removeItem(TOKEN_KEY)
}

let onSignedOut: () => void = () => {}

/** Called when a request is refused and a refresh cannot fix it: the app goes to sign-in. */
export function setSignedOutHandler(handler: () => void) {
  onSignedOut = handler
}

let refreshing: Promise<boolean> | null = null

/** Calls POST /api/auth/refresh once for all concurrent callers. */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' })
      .then((r) => r.ok)
      .catch(() => false)
      .finally(() => {
        setTimeout(() => (refreshing = null), 0)
      })
  }
  return refreshing
}

function headers(init?: RequestInit): Headers {
  const h = new Headers(init?.headers)
  if (init?.body !== undefined && !h.has('Content-Type')) h.set('Content-Type', 'application/json')
  const token = accessToken()
  if (token && !h.has('Authorization')) h.set('Authorization', `Bearer ${token}`)
  return h
}

async function toError(r: Response): Promise<ApiError> {
  let body: { code?: string; message?: string; field?: string } = {}
  try {
    body = await r.json()
  } catch {
    /* not JSON */
  }
  return new ApiError(r.status, body.code ?? `http_${r.status}`, body.message ?? r.statusText ?? `HTTP ${r.status}`, body.field)
}

/** fetch with the session: on 401 refreshes once and retries; a second 401 signs out. */
export async function raw(path: string, init?: RequestInit, opts: { signOutOn401?: boolean } = {}): Promise<Response> {
  const send = () => fetch(path, { ...init, credentials: 'same-origin', headers: headers(init) })
  let r = await send()
  if (r.status === 401 && !path.startsWith('/api/auth/')) {
    if (!accessToken() && (await refreshSession())) r = await send()
    if (r.status === 401 && opts.signOutOn401 !== false) onSignedOut()
  }
  return r
}

export async function api<T>(path: string, init?: RequestInit, opts?: { signOutOn401?: boolean }): Promise<T> {
  const r = await raw(path, init, opts)
  if (!r.ok) throw await toError(r)
  if (r.status === 204) return undefined as T
  const text = await r.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const get = <T,>(path: string) => api<T>(path)
export const post = <T,>(path: string, body: unknown) => api<T>(path, { method: 'POST', body: JSON.stringify(body) })
export const patch = <T,>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body: JSON.stringify(body) })
export const put = <T,>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body: JSON.stringify(body) })
export const del = (path: string) => api<void>(path, { method: 'DELETE' })

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}
