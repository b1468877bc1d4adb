import { describe, expect, it } from 'vitest'
import { SseParser } from './sse'
import { toCsv } from './utils'
import { DEFAULT_TREND, decodeTrend, encodeTrend, trendBody } from './trend'
import { api, setAccessToken } from './api'
import { fakeFetch, json } from '../test/render'

describe('SseParser', () => {
  it('splits messages, keeps ids and ignores comments', () => {
    const p = new SseParser()
    expect(p.push('retry: 2000\n: hello\n\nid: 4\nevent: event\ndata: {"a"')).toEqual([])
    expect(p.push(':1}\n\n: ping\n\nid: 5\nevent: event\ndata: x\n\n')).toEqual([
      { id: '4', event: 'event', data: '{"a":1}' },
      { id: '5', event: 'event', data: 'x' },
    ])
  })
})

describe('toCsv', () => {
  it('quotes what needs quoting and writes nulls as empty', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y'], [null, { k: 'say "hi"' }]])).toBe('a,b\n1,"x,y"\n,"{""k"":""say \\""hi\\""""}"\n')
  })
})

describe('trend query in the URL', () => {
  it('round-trips and falls back to defaults on garbage', () => {
    const t = { ...DEFAULT_TREND, breakdown: ['country'], compare: true }
    expect(decodeTrend(encodeTrend(t))).toEqual(t)
    expect(decodeTrend('{nope')).toEqual(DEFAULT_TREND)
  })
  it('builds the API body without empty filters or breakdowns', () => {
    const body = trendBody({ ...DEFAULT_TREND, filters: [{ field: '', op: 'eq', value: '' }, { field: 'country', op: 'eq', value: 'DE' }], breakdown: [''] }, 'p1', 'today')
    expect(body).toMatchObject({ project: 'p1', filters: [{ field: 'country', op: 'eq', value: 'DE' }], breakdown: [], dateRange: 'today' })
  })
})

describe('api', () => {
  it('refreshes the session once on 401 and retries', async () => {
    setAccessToken(null)
    let n = 0
    const calls = fakeFetch({
      'GET /api/me': () => (n++ === 0 ? json({ code: 'unauthorized', message: 'expired' }, 401) : json({ ok: true })),
      'POST /api/auth/refresh': () => json({}),
    })
    await expect(api('/api/me')).resolves.toEqual({ ok: true })
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/me', 'POST /api/auth/refresh', 'GET /api/me'])
  })
  it('throws the server error code and message', async () => {
    fakeFetch({ 'POST /api/sql': () => json({ success: false, code: 'sql_refused', message: 'only SELECT' }, 400) })
    await expect(api('/api/sql', { method: 'POST', body: '{}' })).rejects.toMatchObject({ status: 400, code: 'sql_refused', message: 'only SELECT' })
  })
})
