import * as React from 'react'
import { useQuery } from '@tanstack/react-query'
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { ApiError, get, qs } from '../lib/api'
import { useSession } from '../lib/session'
import { formatNumber } from '../lib/utils'
import { Card, Empty, ErrorState, Input, Label, Loading, PageHeader, Segmented, Select, Table } from '../components/ui'

const ROLLUPS = ['daily_active_users', 'task_stats', 'api_latency', 'integration_health', 'auth_events', 'cocoon_activity', 'errors'] as const
type Rollup = (typeof ROLLUPS)[number]
interface Answer { rollup: string; from: string; to: string; watermark: string | null; source: string; rows: Record<string, unknown>[] }

/** Rollups of the telemetry API (GET /api/telemetry/<rollup>): a chart of one measure and the rows. */
export function Telemetry() {
  const { project } = useSession()
  const [rollup, setRollup] = React.useState<Rollup>('daily_active_users')
  const [service, setService] = React.useState('')
  const [from, setFrom] = React.useState(new Date(Date.now() - 14 * 86400e3).toISOString().slice(0, 10))
  const [to, setTo] = React.useState('')
  const q = useQuery({ queryKey: ['telemetry', rollup, from, to, service, project], queryFn: () => get<Answer>(`/api/telemetry/${rollup}${qs({ from, to, service, project })}`), retry: false })
  const rows = q.data?.rows ?? []
  const cols = rows.length ? Object.keys(rows[0]) : []
  const measures = cols.filter((c) => c !== 'bucket' && rows.some((r) => typeof r[c] === 'number'))
  const [measure, setMeasure] = React.useState('')
  const m = measures.includes(measure) ? measure : (measures[0] ?? '')
  const series = React.useMemo(() => {
    const byBucket = new Map<string, number>()
    for (const r of rows) {
      const b = String(r.bucket ?? '')
      byBucket.set(b, (byBucket.get(b) ?? 0) + (typeof r[m] === 'number' ? (r[m] as number) : 0))
    }
    return [...byBucket.entries()].map(([bucket, value]) => ({ bucket: bucket.replace('T00:00:00Z', '').replace('T', ' ').replace(':00Z', ''), value }))
  }, [rows, m])
  return (
    <div>
      <PageHeader title="Service telemetry" description={q.data ? `Source ${q.data.source}${q.data.watermark ? ` · rolled up to ${q.data.watermark}` : ''}` : 'Rollups reported by backend services.'} />
      <Card className="mb-4 flex flex-wrap items-end gap-3 p-3">
        <Segmented<Rollup> label="Rollup" value={rollup} onChange={setRollup} options={ROLLUPS.map((r) => ({ value: r, label: r.replace(/_/g, ' ') }))} />
        <div className="space-y-1"><Label htmlFor="t-from">From</Label><Input id="t-from" type="date" className="h-8" value={from} onChange={(e) => setFrom(e.target.value)} /></div>
        <div className="space-y-1"><Label htmlFor="t-to">To (empty: now)</Label><Input id="t-to" type="date" className="h-8" value={to} onChange={(e) => setTo(e.target.value)} /></div>
        <div className="space-y-1"><Label htmlFor="t-service">Service</Label><Input id="t-service" className="h-8 w-36" value={service} onChange={(e) => setService(e.target.value)} placeholder="all" /></div>
      </Card>
      <Card>
        {q.isPending ? <Loading /> : q.error ? (q.error instanceof ApiError && q.error.status === 404 && q.error.code !== 'invalid' ? <Empty title="The telemetry API is not on this server">{q.error.message}</Empty> : <ErrorState error={q.error} retry={() => q.refetch()} />) : rows.length === 0 ? <Empty title="No telemetry in this range" /> : (
          <>
            {m && (
              <div className="border-b border-border p-3">
                <Select aria-label="Measure" className="mb-2 h-8" value={m} onChange={(e) => setMeasure(e.target.value)}>{measures.map((c) => <option key={c}>{c}</option>)}</Select>
                <div className="h-56" data-testid="telemetry-chart">
                  <ResponsiveContainer width="100%" height="100%">
                    <LineChart data={series}>
                      <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                      <XAxis dataKey="bucket" tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} />
                      <YAxis tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} width={48} tickFormatter={(v: number) => formatNumber(v)} />
                      <Tooltip contentStyle={{ background: 'var(--card)', border: '1px solid var(--border)', fontSize: 12 }} />
                      <Line dataKey="value" name={m} stroke="#6366f1" dot={false} strokeWidth={2} isAnimationActive={false} />
                    </LineChart>
                  </ResponsiveContainer>
                </div>
              </div>
            )}
            <div className="max-h-[28rem] overflow-auto"><Table><thead><tr>{cols.map((c) => <th key={c}>{c}</th>)}</tr></thead><tbody>{rows.map((r, i) => <tr key={i}>{cols.map((c) => <td key={c} className="whitespace-nowrap text-xs tabular-nums">{typeof r[c] === 'number' ? formatNumber(r[c] as number) : typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : String(r[c] ?? '')}</td>)}</tr>)}</tbody></Table></div>
          </>
        )}
      </Card>
    </div>
  )
}
