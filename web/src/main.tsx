import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClientProvider } from '@tanstack/react-query'
import { RouterProvider } from '@tanstack/react-router'
import { queryClient, router } from './router'
import { setSignedOutHandler } from './lib/api'
import './index.css'

// The saved theme, else the system's (no inline script: the server's CSP allows only 'self').
try {
  const saved = localStorage.getItem('causality.theme')
  if (saved === 'dark' || (!saved && window.matchMedia('(prefers-color-scheme: dark)').matches)) document.documentElement.classList.add('dark')
} catch {
  /* storage unavailable */
}

setSignedOutHandler(() => {
  queryClient.clear()
  void router.navigate({ to: '/signin' })
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
)
