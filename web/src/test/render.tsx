import * as React from 'react'
import { render } from '@testing-library/react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { RouterProvider, createMemoryHistory, createRootRoute, createRoute, createRouter } from '@tanstack/react-router'

/** Renders a page inside a fresh query client and a memory router at `path`. */
export async function renderPage(ui: React.ReactNode, path = '/') {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const root = createRootRoute()
  const page = createRoute({ getParentRoute: () => root, path: '$', component: () => <>{ui}</> })
  const index = createRoute({ getParentRoute: () => root, path: '/', component: () => <>{ui}</> })
  const router = createRouter({ routeTree: root.addChildren([index, page]), history: createMemoryHistory({ initialEntries: [path] }) })
  await router.load()
  const r = render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  )
  return { ...r, router, qc }
}

type Handler = (url: string, init?: RequestInit) => Response | Promise<Response>

/** A hand-written fake of fetch: routes by "METHOD path", records every call. */
export function fakeFetch(routes: Record<string, Handler>) {
  const calls: { method: string; url: string; body?: string }[] = []
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    const method = init?.method ?? 'GET'
    calls.push({ method, url, body: typeof init?.body === 'string' ? init.body : undefined })
    const path = url.split('?')[0]
    const h = routes[`${method} ${path}`]
    if (!h) return new Response(JSON.stringify({ code: 'not_found', message: `no fake for ${method} ${path}` }), { status: 404 })
    return h(url, init)
  }
  globalThis.fetch = fn as typeof fetch
  return calls
}

export const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
