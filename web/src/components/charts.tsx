import * as React from 'react'
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { ArrowDown, ArrowUp } from 'lucide-react'
import type { ChartKind, SqlResult, TrendResult } from '../lib/types'
import { cn, formatNumber } from '../lib/utils'
import { Button, Empty, Table } from './ui'

export const PALETTE = ['#6366f1', '#10b981', '#f59e0b', '#ef4444', '#06b6d4', '#a855f7', '#84cc16', '#ec4899', '#14b8a6', '#f97316']

/** The server's label already names the event, metric, breakdown group and comparison. */
export function seriesName(s: TrendResult['series'][number]): string {
  return s.label
}

/** Rows for Recharts: one per bucket, one key per series. */
export function trendRows(r: TrendResult): Record<string, string | number | null>[] {
  return r.buckets.map((b, i) => {
    const row: Record<string, string | number | null> = { bucket: b.replace('T00:00:00', '').replace('T', ' ') }
    r.series.forEach((s, j) => (row[`s${j}`] = s.values[i] ?? null))
    return row
  })
}

export function TrendChart({ result, kind, height = 320 }: { result: TrendResult; kind: ChartKind; height?: number | `${number}%` }) {
  if (!result.series.length || result.series.every((s) => (s.total ?? 0) === 0 && s.values.every((v) => !v))) {
    return <Empty title="No events in this range">Try a longer date range or another event.</Empty>
  }
  if (kind === 'number') {
    return (
      <div className="flex flex-wrap gap-6 p-4" data-testid="trend-number">
        {result.series.filter((s) => !s.compare).map((s, j) => {
          const prev = result.series.find((c) => c.compare && c.label === `${s.label} (previous period)`)
          const delta = prev && prev.total ? ((s.total ?? 0) - prev.total) / prev.total : null
          return (
            <div key={j}>
              <div className="text-xs text-muted-foreground">{seriesName(s)}</div>
              <div className="text-3xl font-semibold tabular-nums">{formatNumber(s.total)}</div>
              {delta !== null && <div className={cn('text-xs', delta >= 0 ? 'text-emerald-600' : 'text-destructive')}>{delta >= 0 ? '+' : ''}{(delta * 100).toFixed(1)}% vs previous</div>}
            </div>
          )
        })}
      </div>
    )
  }
  if (kind === 'table') {
    return (
      <div className="overflow-auto" data-testid="trend-table">
        <Table>
          <thead><tr><th>Series</th><th className="text-right">Total</th>{result.buckets.map((b) => <th key={b} className="whitespace-nowrap">{b.slice(0, 16).replace('T', ' ')}</th>)}</tr></thead>
          <tbody>
            {result.series.map((s, j) => (
              <tr key={j}><td className="whitespace-nowrap font-medium">{seriesName(s)}</td><td className="text-right tabular-nums">{formatNumber(s.total)}</td>{s.values.map((v, i) => <td key={i} className="tabular-nums">{formatNumber(v)}</td>)}</tr>
            ))}
          </tbody>
        </Table>
      </div>
    )
  }
  const rows = trendRows(result)
  const lines = result.series.map((s, j) => ({ key: `s${j}`, name: seriesName(s), color: PALETTE[j % PALETTE.length], dashed: s.compare }))
  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
      <XAxis dataKey="bucket" tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} />
      <YAxis tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} width={48} tickFormatter={(v: number) => formatNumber(v)} />
      <Tooltip contentStyle={{ background: 'var(--card)', border: '1px solid var(--border)', fontSize: 12 }} />
      <Legend wrapperStyle={{ fontSize: 12 }} />
    </>
  )
  return (
    <div style={{ height }} data-testid="trend-chart">
      <ResponsiveContainer width="100%" height="100%">
        {kind === 'bar' ? (
          <BarChart data={rows}>{axes}{lines.map((l) => <Bar key={l.key} dataKey={l.key} name={l.name} fill={l.color} fillOpacity={l.dashed ? 0.4 : 1} isAnimationActive={false} />)}</BarChart>
        ) : kind === 'area' ? (
          <AreaChart data={rows}>{axes}{lines.map((l) => <Area key={l.key} type="monotone" dataKey={l.key} name={l.name} stroke={l.color} fill={l.color} fillOpacity={0.15} strokeDasharray={l.dashed ? '4 4' : undefined} isAnimationActive={false} />)}</AreaChart>
        ) : (
          <LineChart data={rows}>{axes}{lines.map((l) => <Line key={l.key} type="monotone" dataKey={l.key} name={l.name} stroke={l.color} dot={false} strokeWidth={2} strokeDasharray={l.dashed ? '4 4' : undefined} isAnimationActive={false} />)}</LineChart>
        )}
      </ResponsiveContainer>
    </div>
  )
}

export interface FunnelGroup { group?: string; breakdown?: string; counts: number[]; conversion: number[]; conversionFromPrevious: number[]; medianSeconds: (number | null)[] }
export interface FunnelResult { steps?: string[]; groups: FunnelGroup[] }

export function FunnelView({ result, steps, height = 300 }: { result: FunnelResult; steps: string[]; height?: number | `${number}%` }) {
  const groups = result.groups ?? []
  const all = groups[0]
  if (!all || all.counts[0] === 0) return <Empty title="Nobody entered this funnel">No one did the first step in this range.</Empty>
  const rows = steps.map((s, i) => {
    const row: Record<string, string | number> = { step: `${i + 1}. ${s}` }
    groups.slice(0, 6).forEach((g, j) => (row[`g${j}`] = g.counts[i] ?? 0))
    return row
  })
  return (
    <div data-testid="funnel-chart">
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="step" tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} />
            <YAxis tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} width={48} />
            <Tooltip contentStyle={{ background: 'var(--card)', border: '1px solid var(--border)', fontSize: 12 }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {groups.slice(0, 6).map((g, j) => <Bar key={j} dataKey={`g${j}`} name={groupName(g)} fill={PALETTE[j % PALETTE.length]} isAnimationActive={false} />)}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Table className="mt-2">
        <thead><tr><th>Group</th>{steps.map((s, i) => <th key={i}>{i + 1}. {s}</th>)}</tr></thead>
        <tbody>
          {groups.map((g, j) => (
            <tr key={j}>
              <td className="font-medium">{groupName(g)}</td>
              {g.counts.map((c, i) => (
                <td key={i} className="tabular-nums">
                  {formatNumber(c)} <span className="text-xs text-muted-foreground">{i > 0 ? `${((g.conversion[i] ?? 0) * 100).toFixed(1)}%` : ''}</span>
                  {i > 0 && g.medianSeconds[i] != null && <div className="text-xs text-muted-foreground">median {formatDuration(g.medianSeconds[i] ?? 0)}</div>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  )
}

function groupName(g: FunnelGroup): string {
  const name = g.group ?? g.breakdown ?? '$all'
  return name === '$all' ? 'All users' : name
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.round(s)} s`
  if (s < 3600) return `${Math.round(s / 60)} min`
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`
  return `${(s / 86400).toFixed(1)} d`
}

export interface RetentionRow { start: string; size: number; returned: (number | null)[]; rates: (number | null)[] }
export interface RetentionResult { cohorts?: RetentionRow[]; rows?: RetentionRow[] }

export function RetentionView({ result }: { result: RetentionResult }) {
  const rows = result.cohorts ?? result.rows ?? []
  if (!rows.length || rows.every((r) => r.size === 0)) return <Empty title="No cohorts in this range" />
  const periods = Math.max(...rows.map((r) => r.rates.length))
  return (
    <div className="overflow-auto" data-testid="retention-table">
      <Table>
        <thead><tr><th>Cohort</th><th>Users</th>{Array.from({ length: periods }, (_, k) => <th key={k}>{k === 0 ? 'Period 0' : `+${k}`}</th>)}</tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.start}>
              <td className="whitespace-nowrap font-medium">{String(r.start).slice(0, 10)}</td>
              <td className="tabular-nums">{formatNumber(r.size)}</td>
              {r.rates.map((rate, k) => (
                <td key={k} className="text-center tabular-nums" style={rate == null ? undefined : { background: `color-mix(in oklch, var(--primary) ${Math.round(rate * 80)}%, transparent)` }}>
                  {rate == null ? '' : `${(rate * 100).toFixed(1)}%`}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  )
}

/** A SQL answer: sortable columns, pages of 50 rows. */
export function ResultTable({ result, pageSize = 50 }: { result: SqlResult; pageSize?: number }) {
  const [sort, setSort] = React.useState<{ col: number; desc: boolean } | null>(null)
  const [page, setPage] = React.useState(0)
  React.useEffect(() => setPage(0), [result])
  const rows = React.useMemo(() => {
    if (!sort) return result.rows
    const cmp = (a: unknown, b: unknown) => {
      if (a === b) return 0
      if (a === null || a === undefined) return 1
      if (b === null || b === undefined) return -1
      if (typeof a === 'number' && typeof b === 'number') return a - b
      return String(a).localeCompare(String(b), undefined, { numeric: true })
    }
    return [...result.rows].sort((x, y) => (sort.desc ? -1 : 1) * cmp(x[sort.col], y[sort.col]))
  }, [result, sort])
  if (!result.rows.length) return <Empty title="No rows" />
  const pages = Math.ceil(rows.length / pageSize)
  const shown = rows.slice(page * pageSize, (page + 1) * pageSize)
  return (
    <div>
      <div className="overflow-auto">
        <Table data-testid="result-table">
          <thead>
            <tr>
              {result.columns.map((c, i) => (
                <th key={i} className="whitespace-nowrap">
                  <button className="inline-flex items-center gap-1 cursor-pointer" aria-label={`Sort by ${c.name}`} onClick={() => setSort(sort?.col === i ? { col: i, desc: !sort.desc } : { col: i, desc: false })}>
                    {c.name} <span className="font-normal opacity-60">{c.type.toLowerCase()}</span>
                    {sort?.col === i && (sort.desc ? <ArrowDown className="h-3 w-3" /> : <ArrowUp className="h-3 w-3" />)}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={i}>{r.map((v, j) => <td key={j} className="max-w-md truncate font-mono text-xs">{v === null ? <span className="text-muted-foreground">null</span> : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>)}</tr>
            ))}
          </tbody>
        </Table>
      </div>
      {pages > 1 && (
        <div className="flex items-center justify-end gap-2 p-2 text-xs text-muted-foreground">
          <Button size="sm" variant="outline" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</Button>
          <span>Page {page + 1} of {pages}</span>
          <Button size="sm" variant="outline" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>Next</Button>
        </div>
      )}
    </div>
  )
}
