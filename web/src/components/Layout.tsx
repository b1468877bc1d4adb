import * as React from 'react'
import { Link, Outlet, useNavigate } from '@tanstack/react-router'
import { Activity, BarChart3, Database, Filter, Gauge, LayoutDashboard, LogOut, Menu, Moon, Radio, Repeat, Settings, Sun, TerminalSquare } from 'lucide-react'
import { ApiError } from '../lib/api'
import { SessionProvider, useSession, useSessionQuery } from '../lib/session'
import { useTheme } from '../lib/theme'
import { Button, ErrorState, Loading, Select } from './ui'
import { cn } from '../lib/utils'

const nav = [
  { to: '/dashboards', label: 'Dashboards', icon: LayoutDashboard },
  { to: '/trends', label: 'Trends', icon: BarChart3 },
  { to: '/funnels', label: 'Funnels', icon: Filter },
  { to: '/retention', label: 'Retention', icon: Repeat },
  { to: '/sql', label: 'SQL', icon: TerminalSquare },
  { to: '/live', label: 'Live events', icon: Radio },
  { to: '/health', label: 'Ingestion health', icon: Gauge },
  { to: '/telemetry', label: 'Service telemetry', icon: Database },
  { to: '/settings', label: 'Settings', icon: Settings },
] as const

/** The signed-in shell: loads the session, then the sidebar and the page. */
export function AppShell() {
  const q = useSessionQuery()
  const navigate = useNavigate()
  React.useEffect(() => {
    if (q.error instanceof ApiError && (q.error.status === 401 || q.error.status === 404)) void navigate({ to: '/signin' })
  }, [q.error, navigate])
  if (q.isPending) return <Loading label="Loading your session…" />
  if (q.error) return q.error instanceof ApiError && (q.error.status === 401 || q.error.status === 404) ? <Loading /> : <ErrorState error={q.error} retry={() => q.refetch()} />
  return (
    <SessionProvider session={q.data}>
      <Shell />
    </SessionProvider>
  )
}

function Shell() {
  const { session, project, setProject, signOut } = useSession()
  const [dark, toggleDark] = useTheme()
  const [open, setOpen] = React.useState(false)
  return (
    <div className="flex min-h-screen">
      <aside className={cn('fixed inset-y-0 left-0 z-40 flex w-56 flex-col border-r border-border bg-card transition-transform md:static md:translate-x-0', open ? 'translate-x-0' : '-translate-x-full')}>
        <div className="flex h-14 items-center gap-2 border-b border-border px-4">
          <Activity className="h-5 w-5 text-primary" />
          <span className="font-semibold">Causality</span>
        </div>
        <div className="p-3">
          <label className="mb-1 block text-xs text-muted-foreground" htmlFor="project">Project</label>
          <Select id="project" aria-label="Project" className="w-full" value={project} onChange={(e) => setProject(e.target.value)}>
            {session.projects.map((p) => <option key={p.id} value={p.id}>{p.name || p.id}</option>)}
          </Select>
        </div>
        <nav className="flex-1 space-y-0.5 px-2" aria-label="Main">
          {nav.map(({ to, label, icon: Icon }) => (
            <Link key={to} to={to} onClick={() => setOpen(false)} className="flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground" activeProps={{ className: 'bg-accent !text-foreground font-medium' }}>
              <Icon className="h-4 w-4" /> {label}
            </Link>
          ))}
        </nav>
        <div className="border-t border-border p-3 text-xs">
          <div className="mb-2 truncate text-muted-foreground" title={session.user.email}>{session.user.email} · {session.user.role.toLowerCase()}</div>
          <div className="flex gap-1">
            <Button variant="ghost" size="sm" onClick={toggleDark} aria-label="Toggle dark mode">{dark ? <Sun className="h-4 w-4" /> : <Moon className="h-4 w-4" />}</Button>
            <Button variant="ghost" size="sm" onClick={() => void signOut()}><LogOut className="h-4 w-4" /> Sign out</Button>
          </div>
        </div>
      </aside>
      {open && <div className="fixed inset-0 z-30 bg-black/30 md:hidden" onClick={() => setOpen(false)} />}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center gap-2 border-b border-border px-4 md:hidden">
          <Button variant="ghost" size="icon" aria-label="Open menu" onClick={() => setOpen(true)}><Menu className="h-5 w-5" /></Button>
          <span className="font-semibold">Causality</span>
        </header>
        <main className="min-w-0 flex-1 p-4 md:p-6"><Outlet /></main>
      </div>
    </div>
  )
}
