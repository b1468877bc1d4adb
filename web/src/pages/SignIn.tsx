import * as React from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { Activity } from 'lucide-react'
import { ApiError, api, setAccessToken } from '../lib/api'
import { loadSession } from '../lib/session'
import { Button, Card, Input, Label } from '../components/ui'

export function SignIn() {
  const navigate = useNavigate()
  const qc = useQueryClient()
  const [mode, setMode] = React.useState<'password' | 'token'>('password')
  const [email, setEmail] = React.useState('')
  const [password, setPassword] = React.useState('')
  const [token, setToken] = React.useState('')
  const [error, setError] = React.useState<string | null>(null)
  const [busy, setBusy] = React.useState(false)

  async function submit(e: React.FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      if (mode === 'password') {
        setAccessToken(null)
        await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) }, { signOutOn401: false })
      } else {
        setAccessToken(token.trim())
      }
      const session = await loadSession()
      qc.setQueryData(['session'], session)
      await navigate({ to: '/' })
    } catch (err) {
      if (mode === 'token') setAccessToken(null)
      if (err instanceof ApiError) {
        setError(
          err.code === 'invalid_credentials' ? 'Wrong email or password.'
          : err.code === 'locked' ? 'Too many attempts: this account is locked for a while.'
          : err.status === 401 ? (mode === 'token' ? 'This token is not valid.' : 'Wrong email or password.')
          : err.status === 404 ? 'This server has no password sign-in yet; use an access token.'
          : err.message,
        )
      } else setError('Cannot reach the server.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="flex min-h-screen items-center justify-center bg-muted p-4">
      <Card className="w-full max-w-sm p-6">
        <div className="mb-6 flex items-center gap-2">
          <Activity className="h-6 w-6 text-primary" />
          <span className="text-lg font-semibold">Causality</span>
        </div>
        <h1 className="mb-4 text-base font-semibold">Sign in</h1>
        <form onSubmit={submit} className="space-y-3">
          {mode === 'password' ? (
            <>
              <div className="space-y-1">
                <Label htmlFor="email">Email</Label>
                <Input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
              </div>
              <div className="space-y-1">
                <Label htmlFor="password">Password</Label>
                <Input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
              </div>
            </>
          ) : (
            <div className="space-y-1">
              <Label htmlFor="token">Access token</Label>
              <Input id="token" type="password" required value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
            </div>
          )}
          {error && <p role="alert" className="text-sm text-destructive">{error}</p>}
          <Button type="submit" className="w-full" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</Button>
        </form>
        <button type="button" className="mt-4 text-xs text-muted-foreground underline cursor-pointer" onClick={() => { setMode(mode === 'password' ? 'token' : 'password'); setError(null) }}>
          {mode === 'password' ? 'Use an access token instead' : 'Use email and password'}
        </button>
      </Card>
    </div>
  )
}
