import * as React from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, accessToken, api, setAccessToken } from './api'
import type { ProjectRef, Session } from './types'

/**
 * The signed-in user and their projects (GET /api/me). With an access token and a server
 * without accounts (/api/me answers 404), the token holder is treated as an admin of the
 * projects the server lists.
 */
export async function loadSession(): Promise<Session> {
  try {
    const s = await api<Session>('/api/me', undefined, { signOutOn401: false })
    return { ...s, user: { ...s.user, role: String(s.user.role).toUpperCase() as Session['user']['role'] } }
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && accessToken()) {
      let projects: ProjectRef[] = [{ id: 'default', name: 'Default project' }]
      try {
        const p = await api<ProjectRef[] | { projects: ProjectRef[] }>('/api/projects', undefined, { signOutOn401: false })
        const list = Array.isArray(p) ? p : p.projects
        if (list.length) projects = list
      } catch {
        /* no projects API yet */
      }
      return { user: { id: 'token', email: 'access token', role: 'ADMIN' }, projects }
    }
    throw e
  }
}

export function useSessionQuery() {
  return useQuery({ queryKey: ['session'], queryFn: loadSession, retry: false, staleTime: 60_000 })
}

interface SessionContext {
  session: Session
  project: string
  setProject: (id: string) => void
  canEdit: boolean
  isAdmin: boolean
  signOut: () => Promise<void>
}

const Ctx = React.createContext<SessionContext | null>(null)
const PROJECT_KEY = 'causality.project'

export function SessionProvider({ session, children }: { session: Session; children: React.ReactNode }) {
  const qc = useQueryClient()
  const [project, setProjectState] = React.useState(() => {
    const saved = localStorage.getItem(PROJECT_KEY)
    return saved && session.projects.some((p) => p.id === saved) ? saved : (session.projects[0]?.id ?? 'default')
  })
  const setProject = React.useCallback((id: string) => {
    localStorage.setItem(PROJECT_KEY, id)
    setProjectState(id)
  }, [])
  const signOut = React.useCallback(async () => {
    try {
      await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' })
    } catch {
      /* offline: still forget the session here */
    }
    setAccessToken(null)
    qc.clear()
    window.location.assign(`${import.meta.env.BASE_URL}signin`)
  }, [qc])
  const role = session.user.role
  const value = React.useMemo(
    () => ({ session, project, setProject, canEdit: role === 'EDITOR' || role === 'ADMIN', isAdmin: role === 'ADMIN', signOut }),
    [session, project, setProject, role, signOut],
  )
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

export function useSession(): SessionContext {
  const c = React.useContext(Ctx)
  if (!c) throw new Error('useSession outside SessionProvider')
  return c
}

/** A provider for component tests. */
export function TestSession({ children, role = 'ADMIN' }: { children: React.ReactNode; role?: Session['user']['role'] }) {
  return <SessionProvider session={{ user: { id: 'u1', email: 'ada@example.com', role }, projects: [{ id: 'default', name: 'Default' }] }}>{children}</SessionProvider>
}
