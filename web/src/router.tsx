import { QueryClient } from '@tanstack/react-query'
import { Navigate, Outlet, createRootRoute, createRoute, createRouter } from '@tanstack/react-router'
import { AppShell } from './components/Layout'
import { SignIn } from './pages/SignIn'
import { Trends } from './pages/Trends'
import { Funnels } from './pages/Funnels'
import { Retention } from './pages/Retention'
import { Sql } from './pages/Sql'
import { Live } from './pages/Live'
import { Dashboards } from './pages/Dashboards'
import { DashboardPage } from './pages/DashboardPage'
import { Settings } from './pages/Settings'
import { Health } from './pages/Health'
import { Telemetry } from './pages/Telemetry'
import { Empty } from './components/ui'

export const queryClient = new QueryClient({ defaultOptions: { queries: { retry: (n, e) => n < 1 && !(e && 'status' in e && (e as { status: number }).status < 500), refetchOnWindowFocus: false } } })

const qSearch = (s: Record<string, unknown>): { q?: string } => (typeof s.q === 'string' ? { q: s.q } : typeof s.q === 'object' && s.q ? { q: JSON.stringify(s.q) } : {})

const root = createRootRoute({ component: () => <Outlet />, notFoundComponent: () => <Empty title="Page not found" /> })
const signin = createRoute({ getParentRoute: () => root, path: '/signin', component: SignIn })
const app = createRoute({ getParentRoute: () => root, id: 'app', component: AppShell })
const index = createRoute({ getParentRoute: () => app, path: '/', component: () => <Navigate to="/dashboards" /> })
const trends = createRoute({ getParentRoute: () => app, path: '/trends', component: Trends, validateSearch: qSearch })
const funnels = createRoute({ getParentRoute: () => app, path: '/funnels', component: Funnels, validateSearch: qSearch })
const retention = createRoute({ getParentRoute: () => app, path: '/retention', component: Retention, validateSearch: qSearch })
const sql = createRoute({ getParentRoute: () => app, path: '/sql', component: Sql, validateSearch: (s: Record<string, unknown>): { saved?: string } => (typeof s.saved === 'string' ? { saved: s.saved } : {}) })
const live = createRoute({ getParentRoute: () => app, path: '/live', component: Live })
const dashboards = createRoute({ getParentRoute: () => app, path: '/dashboards', component: Dashboards })
const dashboard = createRoute({ getParentRoute: () => app, path: '/dashboards/$id', component: DashboardPage })
const settings = createRoute({ getParentRoute: () => app, path: '/settings', component: Settings })
const health = createRoute({ getParentRoute: () => app, path: '/health', component: Health })
const telemetry = createRoute({ getParentRoute: () => app, path: '/telemetry', component: Telemetry })

const routeTree = root.addChildren([signin, app.addChildren([index, trends, funnels, retention, sql, live, dashboards, dashboard, settings, health, telemetry])])

export const router = createRouter({ routeTree, basepath: '/app', defaultPreload: false, context: {} })

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router
  }
}
