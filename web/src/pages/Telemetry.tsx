import * as React from 'react'
import { useQuery } from '@tanstack/react-query'
import { ApiError, get, qs } from '../lib/api'
import { useSession } from '../lib/session'
import { Card, Empty, ErrorState, Input, Label, Loading, PageHeader, Segmented, Table } from '../components/ui'

const ROLLUPS = ['daily_active_users', 'task_stats', 'api_latency', 'integration_health', 'auth_events', 'cocoon_activity', 'errors'] as const
type Rollup = (typeof ROLLUPS)[number]

/** Rollups of the telemetry API (GET /api/telemetry/<rollup>), shown as tables. */
export function Telemetry() {
  const { project } = useSession()
  const [rollup, setRollup] = React.useState<Rollup>('daily_active_users')
  const [service, setService] = React.useState('')
  const today = new Date().toISOString().slice(0, 10)
  const [from, setFrom] = React.useState(new Date(Date.now() - 14 * 86400e3).toISOString().slice(0, 10))
  const [to, setTo] = React.useState(today)
  const q = useQuery({ queryKey: ['telemetry', rollup, from, to, service, project], queryFn: () => get<unknown>(`/api/telemetry/${rollup}${qs({ from, to, service, project })}`), retry: false })
  const rows: Record<string, unknown>[] = q.data ? (Array.isArray(q.data) ? q.data : ((q.data as { rows?: Record<string, unknown>[]; data?: { rows?: Record<string, unknown>[] } }).rows ?? (q.data as { data?: { rows?: Record<string, unknown>[] } }).data?.rows ?? [])) : []
  const cols = rows.length ? Object.keys(rows[0]) : []
  return (
    <div>
      <PageHeader title="Service telemetry" description="Rollups reported by backend services." />
      <Card className="mb-4 flex flex-wrap items-end gap-3 p-3">
        <Segmented<Rollup> label="Rollup" value={rollup} onChange={setRollup} options={ROLLUPS.map((r) => ({ value: r, label: r.replace(/_/g, ' ') }))} />
        <div className="space-y-1"><Label htmlFor="t-from">From</Label><Input id="t-from" type="date" className="h-8" value={from} onChange={(e) => setFrom(e.target.value)} /></div>
        <div className="space-y-1"><Label htmlFor="t-to">To</Label><Input id="t-to" type="date" className="h-8" value={to} onChange={(e) => setTo(e.target.value)} /></div>
        <div className="space-y-1"><Label htmlFor="t-service">Service</Label><Input id="t-service" className="h-8 w-36" value={service} onChange={(e) => setService(e.target.value)} placeholder="all" /></div>
      </Card>
      <Card>
        {q.isPending ? <Loading /> : q.error ? (q.error instanceof ApiError && q.error.status === 404 ? <Empty title="The telemetry API is not on this server yet" /> : <ErrorState error={q.error} retry={() => q.refetch()} />) : rows.length === 0 ? <Empty title="No telemetry in this range" /> : (
          <div className="overflow-auto"><Table><thead><tr>{cols.map((c) => <th key={c}>{c}</th>)}</tr></thead><tbody>{rows.map((r, i) => <tr key={i}>{cols.map((c) => <td key={c} className="text-xs tabular-nums">{typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c] ?? '')}</td>)}</tr>)}</tbody></Table></div>
        )}
      </Card>
    </div>
  )
}
