import * as React from 'react'
import { useQuery } from '@tanstack/react-query'
import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { get, qs } from '../lib/api'
import { formatNumber, timeAgo } from '../lib/utils'
import { Badge, Button, Card, CardHeader, Drawer, Empty, ErrorState, Loading, PageHeader, Table } from '../components/ui'

export interface HealthAnswer {
  eventsPerSecond: number
  perSecond: { second: number; events: number }[]
  accepted: number
  loaded: number
  deduplicated: number
  deadLetters: number
  rejected: { reason: string; count: number }[]
  logLagBytes: number
  loaderRunning: boolean
  loaderError: string
  freshnessP50Ms: number
  freshnessP99Ms: number
  projects: { project: string; events: number; lastEventAt: string | null }[]
  keys: { keyId: string; name: string; project: string; events: number; lastEventAt: string }[]
}
interface DeadLetter { position: number; error: string; payload: string; failedAt: string }

function Stat({ label, value, hint, bad }: { label: string; value: React.ReactNode; hint?: string; bad?: boolean }) {
  return (
    <Card className="p-3">
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className={`text-2xl font-semibold tabular-nums ${bad ? 'text-destructive' : ''}`}>{value}</div>
      {hint && <div className="text-xs text-muted-foreground">{hint}</div>}
    </Card>
  )
}

export function Health() {
  const h = useQuery({ queryKey: ['ingestion-health'], queryFn: () => get<HealthAnswer>('/api/ingestion/health'), refetchInterval: 5000 })
  const [page, setPage] = React.useState(0)
  const dl = useQuery({ queryKey: ['dead-letters', page], queryFn: () => get<{ rows: DeadLetter[]; total: number }>(`/api/ingestion/dead-letters${qs({ limit: 20, offset: page * 20 })}`) })
  const [open, setOpen] = React.useState<DeadLetter | null>(null)
  if (h.isPending) return <Loading />
  if (h.error) return <ErrorState error={h.error} retry={() => h.refetch()} />
  const d = h.data
  const now = new Date()
  return (
    <div>
      <PageHeader title="Ingestion health" description="Refreshes every 5 s. A silent stop shows here first." actions={<Badge className={d.loaderRunning ? 'text-emerald-600' : 'text-destructive'}>{d.loaderRunning ? 'loader running' : 'loader stopped'}</Badge>} />
      {d.loaderError && <p role="alert" className="mb-3 text-sm text-destructive">Loader: {d.loaderError}</p>}
      <div className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-7" data-testid="health-stats">
        <Stat label="Events/s (1 min)" value={formatNumber(d.eventsPerSecond)} />
        <Stat label="Accepted" value={formatNumber(d.accepted)} hint="since start" />
        <Stat label="Loaded" value={formatNumber(d.loaded)} hint="since start" />
        <Stat label="Deduplicated" value={formatNumber(d.deduplicated)} />
        <Stat label="Dead letters" value={formatNumber(d.deadLetters)} bad={d.deadLetters > 0} />
        <Stat label="Log lag" value={`${formatNumber(d.logLagBytes / 1024)} KiB`} bad={d.logLagBytes > 64 * 1024 * 1024} />
        <Stat label="Loader freshness" value={`${formatNumber(d.freshnessP50Ms)} ms`} hint={`p99 ${formatNumber(d.freshnessP99Ms)} ms`} />
      </div>
      <div className="mb-4 grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader title="Accepted events per second" />
          <div className="h-48 p-2">
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={d.perSecond.map((p) => ({ t: new Date(p.second * 1000).toLocaleTimeString(), n: p.events }))}>
                <XAxis dataKey="t" tick={{ fontSize: 10 }} minTickGap={40} />
                <YAxis tick={{ fontSize: 10 }} width={36} allowDecimals={false} />
                <Tooltip contentStyle={{ background: 'var(--card)', fontSize: 12 }} />
                <Area dataKey="n" name="events" stroke="#6366f1" fill="#6366f1" fillOpacity={0.2} isAnimationActive={false} />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card>
          <CardHeader title="Rejected by reason" />
          {d.rejected.length === 0 ? <Empty title="Nothing rejected" /> : (
            <Table><thead><tr><th>Reason</th><th className="text-right">Events</th></tr></thead><tbody>{d.rejected.map((r) => <tr key={r.reason}><td className="font-mono text-xs">{r.reason}</td><td className="text-right tabular-nums">{formatNumber(r.count)}</td></tr>)}</tbody></Table>
          )}
        </Card>
        <Card>
          <CardHeader title="Last event per project" />
          {d.projects.length === 0 ? <Empty title="No events loaded yet" /> : (
            <Table><thead><tr><th>Project</th><th className="text-right">Events</th><th>Last received</th></tr></thead><tbody>{d.projects.map((p) => <tr key={p.project}><td>{p.project}</td><td className="text-right tabular-nums">{formatNumber(p.events)}</td><td className="text-xs">{p.lastEventAt ? timeAgo(new Date(p.lastEventAt), now) : 'never'}</td></tr>)}</tbody></Table>
          )}
        </Card>
        <Card>
          <CardHeader title="Last event per key (since start)" />
          {d.keys.length === 0 ? <Empty title="No events since the server started" /> : (
            <Table><thead><tr><th>Key</th><th>Project</th><th className="text-right">Events</th><th>Last</th></tr></thead><tbody>{d.keys.map((k) => <tr key={k.keyId}><td>{k.name}</td><td>{k.project}</td><td className="text-right tabular-nums">{formatNumber(k.events)}</td><td className="text-xs">{timeAgo(new Date(k.lastEventAt), now)}</td></tr>)}</tbody></Table>
          )}
        </Card>
      </div>
      <Card>
        <CardHeader title="Dead letters" actions={dl.data && dl.data.total > 20 && <>
          <Button size="sm" variant="outline" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</Button>
          <Button size="sm" variant="outline" disabled={(page + 1) * 20 >= dl.data.total} onClick={() => setPage(page + 1)}>Next</Button>
        </>} />
        {dl.isPending ? <Loading /> : dl.error ? <ErrorState error={dl.error} /> : dl.data.rows.length === 0 ? <Empty title="No dead letters" /> : (
          <Table><thead><tr><th>Log position</th><th>Error</th><th>Failed</th></tr></thead><tbody>{dl.data.rows.map((r) => <tr key={r.position} className="cursor-pointer hover:bg-muted" onClick={() => setOpen(r)}><td className="font-mono text-xs">{r.position}</td><td className="max-w-lg truncate text-xs">{r.error}</td><td className="text-xs">{r.failedAt}</td></tr>)}</tbody></Table>
        )}
      </Card>
      <Drawer open={open !== null} onClose={() => setOpen(null)} title={`Dead letter at ${open?.position}`}>
        <p className="mb-2 text-sm text-destructive">{open?.error}</p>
        <pre className="whitespace-pre-wrap break-all font-mono text-xs">{open?.payload}</pre>
      </Drawer>
    </div>
  )
}
