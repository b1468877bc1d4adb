import { describe, expect, it } from 'vitest'
import { fireEvent, screen, waitFor } from '@testing-library/react'
import { SignIn } from './SignIn'
import { Settings } from './Settings'
import { Dashboards } from './Dashboards'
import { TestSession } from '../lib/session'
import { fakeFetch, json, renderPage } from '../test/render'

describe('SignIn', () => {
  it('signs in with email and password', async () => {
    const calls = fakeFetch({
      'POST /api/auth/login': () => json({ user: { id: 'u1', email: 'ada@example.com', role: 'ADMIN' }, projects: [] }),
      'GET /api/me': () => json({ user: { id: 'u1', email: 'ada@example.com', role: 'ADMIN' }, projects: [{ id: 'default', name: 'Default' }] }),
    })
    const { router } = await renderPage(<SignIn />, '/signin')
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ada@example.com' } })
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } })
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(router.state.location.pathname).toBe('/'))
    expect(JSON.parse(calls[0].body ?? '{}')).toEqual({ email: 'ada@example.com', password: 'secret' })
  })
  it('says when the password is wrong', async () => {
    fakeFetch({ 'POST /api/auth/login': () => json({ success: false, code: 'invalid_credentials', message: 'no' }, 401) })
    await renderPage(<SignIn />, '/signin')
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ada@example.com' } })
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } })
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password.')
  })
})

describe('Settings', () => {
  it('renders sections whose endpoints are missing calmly, and the first-event snippets', async () => {
    fakeFetch({ 'GET /api/tokens': () => json([{ id: 't1', name: 'ci', createdAt: '2026-11-01T00:00:00Z' }]) })
    await renderPage(<TestSession><Settings /></TestSession>)
    expect(await screen.findByText('ci')).toBeInTheDocument()
    expect((await screen.findAllByText('Not available on this server yet')).length).toBeGreaterThan(0)
    expect(screen.getByText(/Causality.builder\(writeKey\)/)).toBeInTheDocument()
  })
})

describe('Dashboards', () => {
  it('has an empty state and hides creation from viewers', async () => {
    fakeFetch({ 'GET /api/dashboards': () => json([]) })
    await renderPage(<TestSession role="VIEWER"><Dashboards /></TestSession>)
    expect(await screen.findByText('No dashboards yet')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /New dashboard/ })).toBeNull()
  })
  it('lists dashboards', async () => {
    fakeFetch({ 'GET /api/dashboards': () => json([{ id: 'd1', project: 'default', name: 'Growth', refreshSeconds: 0, dateRange: null, tiles: [], author: 'ada', updatedAt: '2026-11-01T00:00:00Z' }]) })
    await renderPage(<TestSession><Dashboards /></TestSession>)
    expect(await screen.findByText('Growth')).toBeInTheDocument()
  })
})

describe('SavedPicker', () => {
  it('offers the saved queries of its kind and hands over the chosen query', async () => {
    const { SavedPicker } = await import('../components/SavedPicker')
    fakeFetch({ 'GET /api/saved-queries': () => json([
      { id: 'q1', project: 'default', kind: 'trends', name: 'Signups', description: '', query: { series: [] }, author: 'ada', createdAt: '', updatedAt: '' },
      { id: 'q2', project: 'default', kind: 'sql', name: 'Raw', description: '', query: { sql: 'SELECT 1' }, author: 'ada', createdAt: '', updatedAt: '' },
    ]) })
    let picked: unknown = null
    await renderPage(<SavedPicker project="default" kind="trends" onPick={(q) => (picked = q)} />)
    const select = await screen.findByLabelText('Open a saved query')
    expect(select).toHaveTextContent('Signups')
    expect(select).not.toHaveTextContent('Raw')
    fireEvent.change(select, { target: { value: 'q1' } })
    expect(picked).toEqual({ series: [] })
  })
})
